import { Writable } from 'node:stream';
import { createLogger, toLogfmt } from './logger';

function capture(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, sink };
}

describe('createLogger', () => {
  it('writes JSON with upstream key names and level labels', () => {
    const { lines, sink } = capture();
    createLogger({ level: 'info', format: 'json', destination: sink }).warn(
      { groupingKey: { job: 'j' } },
      'push rejected',
    );
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'warn',
      msg: 'push rejected',
      groupingKey: { job: 'j' },
    });
    expect(record.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('drops records below the level', () => {
    const { lines, sink } = capture();
    const logger = createLogger({ level: 'warn', format: 'json', destination: sink });
    logger.info('hidden');
    logger.debug('hidden');
    logger.error('shown');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
  });

  it('writes logfmt when asked', () => {
    const { lines, sink } = capture();
    createLogger({ level: 'info', format: 'logfmt', destination: sink }).info(
      { address: ':9091' },
      'listening',
    );
    expect(lines[0]).toMatch(/^ts=\S+ level=info msg=listening address=:9091$/);
  });
});

describe('toLogfmt', () => {
  it('quotes values that need it and flattens objects', () => {
    expect(
      toLogfmt({
        msg: 'a b',
        empty: '',
        n: 3,
        ok: true,
        key: { job: 'x' },
        err: { message: 'boom "x"' },
      }),
    ).toBe('msg="a b" empty="" n=3 ok=true key="{\\"job\\":\\"x\\"}" err="boom \\"x\\""');
  });
});
