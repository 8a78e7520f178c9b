import {
  type MetricGroup,
  PUSH_FAILURE_TIME_SECONDS,
  PUSH_TIME_SECONDS,
  lastPushSuccessful,
} from '@pushgate/core';
import { renderText } from '@pushgate/exposition';
import type { BuildInfo } from '../build-info';

export interface StatusPageModel {
  groups: readonly MetricGroup[];
  build: BuildInfo;
  flags: Readonly<Record<string, string>>;
  startTime: Date;
  /** Shows the "delete all groups" button (it calls the admin wipe API). */
  adminApi: boolean;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Unpadded base64url of the UTF-8 bytes, plus `=`: what upstream's UI sends (`=` alone for ''). */
function b64(value: string): string {
  return `${Buffer.from(value, 'utf8').toString('base64url')}=`;
}

/**
 * The URL upstream's UI calls to delete a group: relative (so it works under any route prefix),
 * every value base64url-encoded and padded, job first.
 */
export function deleteUrl(labels: Readonly<Record<string, string>>): string {
  let url = `metrics/job@base64/${b64(labels.job ?? '')}`;
  for (const [name, value] of Object.entries(labels).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    if (name !== 'job') url += `/${name}@base64/${b64(value)}`;
  }
  return url;
}

function gaugeValue(group: MetricGroup, name: string): number | undefined {
  return group.families[name]?.family.metric[0]?.gauge?.value;
}

function when(unixSeconds: number | undefined): string {
  return unixSeconds === undefined || unixSeconds === 0
    ? 'never'
    : new Date(unixSeconds * 1000).toISOString();
}

function labelBadges(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a === 'job' ? -1 : b === 'job' ? 1 : a < b ? -1 : 1))
    .map(([n, v]) => `<code class="label">${esc(n)}="${esc(v)}"</code>`)
    .join(' ');
}

function groupSection(group: MetricGroup): string {
  const ok = lastPushSuccessful(group);
  const families = Object.entries(group.families).sort(([a], [b]) => (a < b ? -1 : 1));
  const rows = families
    .map(
      ([name, stored]) =>
        `<details class="family"><summary><code>${esc(name)}</code> <span class="type">${stored.family.type}</span>` +
        ` ${stored.family.metric.length} series, last pushed ${when(stored.timestamp)}` +
        `${stored.family.help ? ` <span class="help">${esc(stored.family.help)}</span>` : ''}</summary>` +
        `<pre>${esc(renderText([stored.family]))}</pre></details>`,
    )
    .join('\n');
  return `<section class="group">
<header>
  <div>${labelBadges(group.labels)}</div>
  <div class="meta">
    <span class="${ok ? 'ok' : 'failed'}">${ok ? 'last push succeeded' : 'last push failed'}</span>
    · last push ${when(gaugeValue(group, PUSH_TIME_SECONDS))}
    · last failure ${when(gaugeValue(group, PUSH_FAILURE_TIME_SECONDS))}
    <button type="button" data-method="DELETE" data-url="${esc(deleteUrl(group.labels))}"
      data-confirm="${esc(
        `Delete the group ${Object.entries(group.labels)
          .map(([n, v]) => `${n}="${v}"`)
          .join(', ')}?`,
      )}">Delete group</button>
  </div>
</header>
${rows}
</section>`;
}

function table(rows: ReadonlyArray<readonly [string, string]>): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</table>`;
}

/** The status page: groups with delete buttons, then runtime, build and flag information. */
export function renderStatusPage(model: StatusPageModel): string {
  const { groups, build, flags, startTime, adminApi } = model;
  const wipe =
    adminApi && groups.length > 0
      ? `<button type="button" data-method="PUT" data-url="api/v1/admin/wipe" data-confirm="Delete all ${groups.length} groups?">Delete all ${groups.length} groups</button>`
      : '';
  const buildRows = Object.entries(build).sort(([a], [b]) => (a < b ? -1 : 1));
  const flagRows = Object.entries(flags).sort(([a], [b]) => (a < b ? -1 : 1));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex,nofollow">
<title>Pushgate</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem; color: #222; }
h1 { font-size: 1.4rem; display: flex; justify-content: space-between; align-items: center; }
h2 { font-size: 1.1rem; margin-top: 2rem; }
.group { border: 1px solid #ccc; border-radius: 4px; margin: .75rem 0; padding: .5rem .75rem; }
.group header { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem; }
.label { background: #eef; border-radius: 3px; padding: 0 .3rem; }
.meta { color: #555; }
.ok { color: #176f2c; } .failed { color: #b00020; font-weight: bold; }
.type { font-size: .8rem; color: #555; border: 1px solid #ccc; border-radius: 3px; padding: 0 .25rem; }
.help { color: #666; }
.family { margin: .25rem 0 .25rem 1rem; }
pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; }
button { cursor: pointer; border: 1px solid #b00020; color: #b00020; background: #fff; border-radius: 3px; }
table { border-collapse: collapse; } th, td { text-align: left; padding: .15rem .75rem .15rem 0; vertical-align: top; }
</style>
</head>
<body>
<h1>Pushgate <span>${wipe}</span></h1>
<h2>Metric groups (${groups.length})</h2>
${groups.length === 0 ? '<p>No metrics pushed yet.</p>' : groups.map(groupSection).join('\n')}
<h2>Runtime information</h2>
${table([['Started', startTime.toISOString()]])}
<h2>Build information</h2>
${table(buildRows)}
<h2>Startup flags</h2>
${table(flagRows)}
<script>
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-method]');
  if (!button || !confirm(button.dataset.confirm)) return;
  const res = await fetch(button.dataset.url, { method: button.dataset.method });
  if (res.ok) location.reload();
  else alert(res.status + ' ' + (await res.text()));
});
</script>
</body>
</html>
`;
}
