/**
 * Renders the golden fixtures the way a scrape does (as stored, normalised, text 0.0.4) and
 * compares byte for byte with what pushgateway 1.5.1 served for the same pushes
 * (tests/golden/*.prom, checked against the binary by upstream-oracle.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeFamilies } from '../src/normalize';
import { renderText } from '../src/render-text';
import { GOLDEN_FIXTURES } from './golden/fixtures';
import { asStored } from './support/as-stored';

describe('golden scrapes', () => {
  it.each(GOLDEN_FIXTURES.map((f) => [f.name, f] as const))(
    '%s renders exactly as upstream',
    (name, fixture) => {
      const expected = readFileSync(join(__dirname, 'golden', `${name}.prom`), 'utf8');
      expect(renderText(normalizeFamilies(asStored(fixture.families, name)))).toBe(expected);
    },
  );

  it('renders all fixtures pushed together as the golden families in byte order of their names', () => {
    const blocks = GOLDEN_FIXTURES.flatMap((f) =>
      familyBlocks(readFileSync(join(__dirname, 'golden', `${f.name}.prom`), 'utf8')),
    );
    blocks.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    const all = GOLDEN_FIXTURES.flatMap((f) => asStored(f.families, f.name));
    expect(renderText(normalizeFamilies(all))).toBe(blocks.map((b) => b.text).join(''));
  });
});

/** Splits an exposition into its families: optional HELP line, TYPE line, samples. */
function familyBlocks(exposition: string): Array<{ name: string; text: string }> {
  const blocks: Array<{ name: string; text: string }> = [];
  let afterHelp = false;
  for (const line of exposition.split(/(?<=\n)/)) {
    const comment = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (comment && !(comment[1] === 'TYPE' && afterHelp))
      blocks.push({ name: comment[2] as string, text: '' });
    afterHelp = comment?.[1] === 'HELP';
    (blocks[blocks.length - 1] as { text: string }).text += line;
  }
  return blocks;
}
