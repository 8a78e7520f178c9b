/**
 * Route patterns in julienschmidt/httprouter syntax (what upstream registers): static
 * segments, `:name` for one non-empty segment, and a final `*name` catch-all that takes the
 * rest of the path including its leading `/`.
 */

type Segment =
  | { kind: 'static'; text: string }
  | { kind: 'param'; name: string }
  | { kind: 'catch-all'; name: string };

export type Params = Record<string, string>;

export class RoutePattern {
  private readonly segments: Segment[];

  constructor(readonly pattern: string) {
    if (!pattern.startsWith('/')) throw new Error(`route pattern must start with "/": ${pattern}`);
    this.segments = pattern
      .slice(1)
      .split('/')
      .map((s, i, all): Segment => {
        if (s.startsWith(':')) return { kind: 'param', name: s.slice(1) };
        if (s.startsWith('*')) {
          if (i !== all.length - 1) throw new Error(`catch-all must be last: ${pattern}`);
          return { kind: 'catch-all', name: s.slice(1) };
        }
        return { kind: 'static', text: s };
      });
  }

  /** Params when `path` matches exactly (byte for byte), else undefined. */
  match(path: string): Params | undefined {
    return this.walk(path, false)?.params;
  }

  /**
   * httprouter's `findCaseInsensitivePath` for this pattern: the path with static segments in
   * their registered spelling (params as given) if `path` matches ignoring ASCII case.
   */
  fixCase(path: string): string | undefined {
    return this.walk(path, true)?.fixed;
  }

  private walk(path: string, ignoreCase: boolean): { params: Params; fixed: string } | undefined {
    if (!path.startsWith('/')) return undefined;
    const params: Params = {};
    let fixed = '';
    let rest = path;
    for (const seg of this.segments) {
      if (seg.kind === 'catch-all') {
        if (!rest.startsWith('/')) return undefined;
        params[seg.name] = rest;
        return { params, fixed: fixed + rest };
      }
      if (!rest.startsWith('/')) return undefined;
      const end = rest.indexOf('/', 1);
      const part = end < 0 ? rest.slice(1) : rest.slice(1, end);
      rest = end < 0 ? '' : rest.slice(end);
      if (seg.kind === 'param') {
        if (part === '') return undefined;
        params[seg.name] = part;
        fixed += `/${part}`;
      } else {
        const same = ignoreCase ? asciiLower(part) === asciiLower(seg.text) : part === seg.text;
        if (!same) return undefined;
        fixed += `/${seg.text}`;
      }
    }
    return rest === '' ? { params, fixed } : undefined;
  }
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
