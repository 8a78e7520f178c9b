import { loadLua, SCRIPTS } from './redis-scripts';

describe('Lua scripts', () => {
  const scripts = Object.values(SCRIPTS);

  it.each(scripts.map((s) => [s.name, s] as const))('%s inlines its includes', (_name, script) => {
    expect(script.lua).not.toMatch(/@include/);
    expect(script.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each(scripts.map((s) => [s.name, s] as const))(
    '%s states KEYS, ARGV and its results in its header',
    (_name, script) => {
      const header = loadLua(script.name).split('\n--- @include')[0] ?? '';
      expect(header).toMatch(/KEYS\[1\]/);
      expect(header).toMatch(/\n\s+ARGV/);
      expect(header).toMatch(/Returns/);
    },
  );

  it.each(scripts.map((s) => [s.name, s] as const))(
    '%s reads no key beyond the ones it declares',
    (_name, script) => {
      const used = [...script.lua.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
      expect(Math.max(...used)).toBe(script.numberOfKeys);
    },
  );
});
