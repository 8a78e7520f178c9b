/** One runnable example from the README: a ```sh block and, if one follows it, its ```text output. */
export interface ShellExample {
  script: string;
  expectedOutput?: string;
}

const START = '<!-- curl-examples:start -->';
const END = '<!-- curl-examples:end -->';

/**
 * The examples between the curl-examples markers, in document order. A ```text block that directly
 * follows a ```sh block (nothing but blank lines between) is that block's expected stdout.
 */
export function curlExamples(markdown: string): ShellExample[] {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README lacks the ${START} … ${END} section`);
  const section = markdown.slice(start + START.length, end);

  const examples: ShellExample[] = [];
  const fence = /```(\w*)\n([\s\S]*?)```/g;
  let previousEnd = -1;
  for (let m = fence.exec(section); m; m = fence.exec(section)) {
    const [, lang, body = ''] = m;
    const last = examples[examples.length - 1];
    if (lang === 'sh') {
      examples.push({ script: body });
    } else if (
      lang === 'text' &&
      last &&
      last.expectedOutput === undefined &&
      section.slice(previousEnd, m.index).trim() === ''
    ) {
      last.expectedOutput = body;
    } else {
      throw new Error(
        `unexpected \`\`\`${lang} block in the curl examples: only sh blocks, each optionally followed by its text output`,
      );
    }
    previousEnd = m.index + m[0].length;
  }
  return examples;
}
