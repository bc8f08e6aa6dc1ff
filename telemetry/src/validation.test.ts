import { parse, text, z } from './validation';
import { ValidationError } from './errors';

describe('text fields', () => {
  const schema = z.strictObject({ name: text({ min: 2, max: 5 }) });

  it.each([
    ['a control character', 'ab\u0007c'],
    ['a bidi override', 'ab\u202Ec'],
    ['too many code points', '🎲🎲🎲🎲🎲🎲'],
    ['too few', 'a'],
  ])('refuses %s, naming the field', (_what, value) => {
    try {
      parse(schema, { name: value });
      throw new Error('expected a ValidationError');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).errors).toEqual([
        expect.objectContaining({ field: 'name', pointer: '/name' }),
      ]);
    }
  });

  it('counts code points, not UTF-16 units, and normalises to NFC', () => {
    expect(parse(schema, { name: '🎲🎲🎲🎲🎲' }).name).toBe('🎲🎲🎲🎲🎲');
    expect(parse(schema, { name: 'e\u0301e' }).name).toBe('\u00e9e');
  });

  it('names unknown and missing fields', () => {
    try {
      parse(schema, { extra: 1 });
    } catch (err) {
      const fields = (err as ValidationError).errors.map((e) => [e.field, e.detail]);
      expect(fields).toEqual(
        expect.arrayContaining([
          ['extra', 'is not a known field'],
          ['name', 'is required'],
        ]),
      );
    }
    expect.assertions(1);
  });
});
