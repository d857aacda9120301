/**
 * A model's architecture spec (free-form JSON from training) as a few `key: value` facts: scalar
 * fields first, arrays by length, nested objects one level down. Enough to tell two specs apart
 * at a glance without printing the whole document.
 */
export function specSummary(spec: unknown, limit = 10): string[] {
  if (spec === null || spec === undefined) return [];
  if (typeof spec !== 'object') return [String(spec)];
  const facts: string[] = [];
  const visit = (value: unknown, prefix: string, depth: number) => {
    if (facts.length >= limit) return;
    if (Array.isArray(value)) {
      facts.push(`${prefix}: [${value.length}]`);
    } else if (value !== null && typeof value === 'object') {
      if (depth >= 2) {
        facts.push(`${prefix}: {…}`);
        return;
      }
      for (const [key, inner] of Object.entries(value)) visit(inner, prefix ? `${prefix}.${key}` : key, depth + 1);
    } else {
      facts.push(`${prefix}: ${String(value)}`);
    }
  };
  visit(spec, '', 0);
  return facts;
}
