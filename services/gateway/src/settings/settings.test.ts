import { parseByteSize } from './byte-size';
import { parseListenAddress } from './listen-address';

describe('parseListenAddress', () => {
  it.each([
    [':9091', { host: undefined, port: 9091 }],
    ['127.0.0.1:9091', { host: '127.0.0.1', port: 9091 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:9091', { host: '::1', port: 9091 }],
    ['[::]:80', { host: '::', port: 80 }],
  ])('reads %p', (s, want) => {
    expect(parseListenAddress(s)).toEqual(want);
  });

  it.each([
    '9091',
    '',
    ':',
    'host:',
    ':65536',
    ':-1',
    ':port',
    '::1:9091',
    '[::1:9091',
    'a b:1',
    '[host]:1',
  ])('rejects %p', (s) => {
    expect(parseListenAddress(s)).toBeUndefined();
  });
});

describe('parseByteSize', () => {
  it.each([
    ['16777216', 16777216],
    ['16MiB', 16 * 1024 * 1024],
    ['16mib', 16 * 1024 * 1024],
    ['512KiB', 512 * 1024],
    ['10MB', 10_000_000],
    ['1.5KiB', 1536],
    ['1 GiB', 1024 ** 3],
  ])('reads %p', (s, want) => {
    expect(parseByteSize(s)).toBe(want);
  });

  it.each(['', '0', 'MiB', '-1', '1.5', '16XB', '1e6'])('rejects %p', (s) => {
    expect(parseByteSize(s)).toBeUndefined();
  });
});
