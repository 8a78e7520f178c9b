import { randomBytes } from 'node:crypto';
import { crc32, crc32Combine } from './crc32';

describe('crc32', () => {
  it.each([
    ['', 0],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('of %j is the IEEE CRC-32', (text, want) => {
    expect(crc32(Buffer.from(text))).toBe(want);
  });

  it.each([0, 1, 7, 1000, 65536, 100_003])('combines pieces of %i bytes', (length) => {
    const a = randomBytes(777);
    const b = randomBytes(length);
    expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])));
  });
});
