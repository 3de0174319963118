import { describe as group, expect, it } from 'vitest';
import { describe, literal, showByte, showBytes } from '../../../src/bytes/validate/show';

group('how messages show values', () => {
  it('shows bytes as b"..." literals with escapes, cut after 60 bytes', () => {
    expect(showBytes(Buffer.from('200 OK'))).toBe('b"200 OK"');
    expect(showBytes(Uint8Array.of(0x22, 0x5c, 0x09, 0x0a, 0x0d, 0x00, 0x7f, 0xe9))).toBe('b"\\"\\\\\\t\\n\\r\\x00\\x7f\\xe9"');
    expect(showBytes(new Uint8Array(100).fill(0x61))).toBe(`b"${'a'.repeat(60)}"... (100 bytes)`);
    expect(showByte(0x3a)).toBe('b":" (0x3a)');
  });

  it('describes tuples two levels deep, strings and primitives as literals', () => {
    expect(describe([[Buffer.from('x')], Buffer.from('200 OK'), [[Buffer.from('A'), Buffer.from('b')]]])).toBe(
      '[[b"x"], b"200 OK", [an Array of 2]]',
    );
    expect(describe([1, '1', null], 1)).toBe('[1, "1", null]');
    expect(describe('text')).toBe('the string "text"');
    expect(describe(undefined)).toBe('undefined');
    expect(describe((function* body() {})())).toBe('a Generator object');
    expect(describe(function poll() {})).toBe('a function (poll)');
    expect(literal(false)).toBe('false');
  });
});
