export interface AdamState {
  readonly m: Float64Array;
  readonly v: Float64Array;
  step: number;
}

export function adamState(size: number): AdamState {
  return { m: new Float64Array(size), v: new Float64Array(size), step: 0 };
}

/** One Adam step (Kingma & Ba 2015) on `params`, minimising: params −= lr · m̂ / (√v̂ + ε). */
export function adamStep(
  params: Float64Array,
  gradient: Float64Array,
  state: AdamState,
  learningRate: number,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon = 1e-8,
): void {
  state.step++;
  const c1 = 1 - Math.pow(beta1, state.step);
  const c2 = 1 - Math.pow(beta2, state.step);
  for (let i = 0; i < params.length; i++) {
    const g = gradient[i] as number;
    const m = beta1 * (state.m[i] as number) + (1 - beta1) * g;
    const v = beta2 * (state.v[i] as number) + (1 - beta2) * g * g;
    state.m[i] = m;
    state.v[i] = v;
    params[i] = (params[i] as number) - (learningRate * (m / c1)) / (Math.sqrt(v / c2) + epsilon);
  }
}
