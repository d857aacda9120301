/**
 * A mock that only has the members given: touching anything else throws, so a use case that makes
 * an unexpected call fails its test instead of receiving `undefined`.
 */
export function strictMock<T extends object>(name: string, members: Partial<T>): T {
  return new Proxy(members as T, {
    get(target, property, receiver) {
      if (property === 'then' || typeof property === 'symbol') return Reflect.get(target, property, receiver);
      if (!(property in target)) throw new Error(`unexpected use of ${name}.${String(property)}`);
      return Reflect.get(target, property, receiver);
    },
  });
}

/** A jest mock function that fails when called (for a member that must not be called in a test). */
export function forbidden(name: string): jest.Mock {
  return jest.fn(() => {
    throw new Error(`unexpected call of ${name}`);
  });
}
