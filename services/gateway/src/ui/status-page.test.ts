import request from 'supertest';
import { startTestGateway } from '../testing/harness';
import { deleteUrl } from './status-page';

describe('deleteUrl', () => {
  it.each([
    [{ job: 'gz' }, 'metrics/job@base64/Z3o='],
    [{ job: 'api', instance: 'i1' }, 'metrics/job@base64/YXBp=/instance@base64/aTE='],
    [{ job: '/var/tmp', empty: '' }, 'metrics/job@base64/L3Zhci90bXA=/empty@base64/='],
    [{ job: 'Π', x: '>>?' }, 'metrics/job@base64/zqA=/x@base64/Pj4_='],
  ])('%j → %s (what upstream’s UI sends)', (labels, url) => {
    expect(deleteUrl(labels)).toBe(url);
  });
});

describe('GET / and /status', () => {
  it('lists groups with delete buttons, build info and flags, escaping everything', async () => {
    const t = await startTestGateway(['--web.enable-admin-api']);
    try {
      await request(t.url)
        .put('/metrics/job/j%3Cscript%3E/instance/i1')
        .send('# HELP a A <b>gauge</b>.\na 1\n')
        .expect(200);
      await request(t.url).put('/metrics/job/failing').send('a 1 1700000000000\n').expect(400);
      for (const path of ['/', '/status']) {
        const res = await request(t.url).get(path);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.text).not.toContain('<script>a');
        expect(res.text).toContain('job="j&lt;script&gt;"');
        expect(res.text).toContain('A &lt;b&gt;gauge&lt;/b&gt;.');
        expect(res.text).toContain(`data-url="${deleteUrl({ job: 'j<script>', instance: 'i1' })}"`);
        expect(res.text).toContain('last push failed');
        expect(res.text).toContain('data-url="api/v1/admin/wipe"');
        expect(res.text).toContain('web.enable-admin-api');
        expect(res.text).not.toMatch(/<(script|link) [^>]*src=/);
      }
    } finally {
      await t.close();
    }
  });
});
