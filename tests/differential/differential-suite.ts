import { assertPromtoolAccepts } from '../support/promtool';
import { upstreamUnavailableReason } from '../support/upstream-pushgateway';
import { decoded, viewOf, type RunView } from './compare';
import { SELF_CHECK, startTarget, type GatewayTarget } from './gateway-target';
import type { Run, Scenario } from './scenario';

/**
 * Declares one describe block: an upstream Pushgateway and a Pushgate node started with the same
 * `flags`, and one test per scenario. Scenarios run in order on a wiped pair.
 */
export function differentialSuite(
  title: string,
  flags: readonly string[],
  scenarios: readonly Scenario[],
): void {
  const unavailable = upstreamUnavailableReason();
  if (unavailable !== undefined) {
    describe.skip(title, () => {
      it.each(scenarios.map((s) => [s.name]))('%s', () => undefined);
    });
    console.warn(`[differential] skipping "${title}": ${unavailable}`);
    return;
  }

  describe(`${title} (${flags.join(' ') || 'default flags'})`, () => {
    let upstream: GatewayTarget | undefined;
    let pushgate: GatewayTarget | undefined;

    beforeAll(async () => {
      const [up, pg] = await Promise.allSettled([
        startTarget('upstream', flags),
        startTarget('pushgate', flags),
      ]);
      if (up.status === 'fulfilled') upstream = up.value;
      if (pg.status === 'fulfilled') pushgate = pg.value;
      if (up.status === 'rejected') throw up.reason;
      if (pg.status === 'rejected') throw pg.reason;
    }, 240000);

    afterAll(async () => {
      await Promise.all([upstream?.server.stop(), pushgate?.server.stop()]);
    });

    it.each(scenarios.map((s) => [label(s), s] as const))('%s', async (_label, scenario) => {
      if (!upstream || !pushgate) throw new Error('the gateways did not start (see beforeAll)');
      const up = upstream;
      const pg = pushgate;
      await Promise.all([up.reset(), pg.reset()]);
      const [upRun, pgRun] = await Promise.all([up.run(scenario), pg.run(scenario)]);

      expect(upstreamStatuses(scenario, upRun)).toEqual(scenario.statuses);
      // First, as it is the worst failure: Prometheus could not ingest what Pushgate serves.
      if (!SELF_CHECK) checkWithPromtool(scenario, pgRun);
      const difference = scenario.deliberateDifference;
      if (difference) {
        difference.upstream(upRun);
        (SELF_CHECK ? difference.upstream : difference.pushgate)(pgRun);
        const same = (run: Run): RunView['steps'] =>
          Object.fromEntries(
            Object.entries(viewOf(scenario, run).steps).filter((_, i) =>
              difference.sameSteps?.includes(i),
            ),
          );
        expect(same(pgRun)).toEqual(same(upRun));
      } else {
        // Requests first: a difference there usually explains any later one.
        const [pgView, upView] = [viewOf(scenario, pgRun), viewOf(scenario, upRun)];
        expect(pgView.steps).toEqual(upView.steps);
        expect(pgView.scrape).toEqual(upView.scrape);
        expect(pgView.api).toEqual(upView.api);
      }
    });
  });
}

/** Upstream's statuses, each shown as the scenario's list of alternatives when it is one of them. */
function upstreamStatuses(scenario: Scenario, run: Run): Scenario['statuses'] {
  return run.responses.map((res, i) => {
    const expected = scenario.statuses[i];
    return Array.isArray(expected) && expected.includes(res.status) ? expected : res.status;
  });
}

function label(s: Scenario): string {
  const cases = s.cases.length ? `[${s.cases.join(', ')}] ` : '';
  return `${cases}${s.name}${s.deliberateDifference ? ' (deliberate difference)' : ''}`;
}

/** Every text scrape Pushgate served in the scenario must be ingestible by Prometheus. */
function checkWithPromtool(scenario: Scenario, run: Run): void {
  const scrapes = scenario.steps
    .map((step, i) => ({ step, res: run.responses[i] }))
    .filter(({ step, res }) => step.compare?.includes('text-scrape') && res?.status === 200)
    .map(({ res }) => res);
  if (run.scrape?.status === 200) scrapes.push(run.scrape);
  for (const res of scrapes) if (res) assertPromtoolAccepts(decoded(res));
}
