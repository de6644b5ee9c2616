import { MlPlatformValidationError, renderValue, Validator } from '../../lib/core/errors';

describe('Validator', () => {
  test('one problem reads as path: prop (value) what to do', () => {
    const v = new Validator('training/h100');
    v.check(false, 'pools[1].maxNodes', 2, 'is below minNodes (4); raise maxNodes or lower minNodes');
    expect(() => v.throwIfAny()).toThrow('training/h100: pools[1].maxNodes (2) is below minNodes (4); raise maxNodes or lower minNodes');
  });

  test('several problems are reported together, each on its own line', () => {
    const v = new Validator('a/b');
    v.integer('minNodes', -1, 0);
    v.matches('name', 'Bad_Name', /^[a-z]+$/, 'must be lowercase');
    let err: MlPlatformValidationError | undefined;
    try { v.throwIfAny(); } catch (e) { err = e as MlPlatformValidationError; }
    expect(err?.problems).toHaveLength(2);
    expect(err?.message).toBe('2 problems:\n  - a/b: minNodes (-1) must be a whole number from 0 up\n  - a/b: name ("Bad_Name") must be lowercase');
  });

  test('nothing is thrown when nothing is wrong', () => {
    const v = new Validator('x');
    v.integer('n', 3, 0, 5);
    expect(() => v.throwIfAny()).not.toThrow();
  });

  test('rendering any value never throws', () => {
    const cyclic: any = {};
    cyclic.self = cyclic;
    expect(renderValue(cyclic)).toBe('[object Object]');
    expect(renderValue(undefined)).toBe('undefined');
    expect(renderValue(Symbol('s') as unknown)).toBe('Symbol(s)');
  });
});
