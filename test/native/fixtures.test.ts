/**
 * Every fixture app through the test client (the gateways' lifecycle), then again under the
 * validator: correct apps must answer as expected with no warning at all; faulty ones must get
 * a clear 500 or a cut connection, with the rule named by both layers.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/native/errors';
import { buildEnviron, callApplication } from '../../src/native/testing';
import { ValidationError, type ValidationWarning, validator } from '../../src/native/validate';
import type { NativeApp } from '../../src/native/types';
import { correct, differences, type Fixture, faulty } from '../fixtures';

function ruleOf(error: unknown): string {
  if (error instanceof ProtocolError || error instanceof ValidationError) return error.rule;
  return 'app';
}

describe('correct fixtures', () => {
  for (const fixture of correct) {
    it(`${fixture.name}: ${fixture.about}`, async () => {
      const response = await callApplication(fixture.app, buildEnviron(fixture.request));
      expect(differences(response, fixture.expect)).toEqual([]);
    });

    it(`${fixture.name}: passes the validator without a warning, and answers the same`, async () => {
      const warnings: ValidationWarning[] = [];
      const checked = validator(fixture.app, { onWarning: (w) => warnings.push(w) });
      const response = await callApplication(checked, buildEnviron(fixture.request));
      expect(warnings).toEqual([]);
      expect(differences(response, fixture.expect)).toEqual([]);
    });
  }
});

describe('the one-chunk fast path (lifecycle sendWhole)', () => {
  const oneChunk = (status: string): NativeApp => (_e, start) => (start(status, [['Content-Type', 'text/plain']]), [Buffer.from('one chunk')]);
  const extra: Fixture[] = [
    { name: 'head-one-chunk', about: 'HEAD to a one-chunk body', app: oneChunk('200 OK'), request: { method: 'HEAD' }, expect: { code: 200 } },
    { name: '204-one-chunk', about: 'a 204 that yields a chunk anyway', app: oneChunk('204 No Content'), expect: { code: 204 } },
  ];
  for (const fixture of [...correct, ...faulty, ...extra]) {
    it(`${fixture.name}: answers exactly as the general path does`, async () => {
      const fast = await callApplication(fixture.app, buildEnviron(fixture.request), { errors: 'respond' });
      const general = await callApplication(fixture.app, buildEnviron(fixture.request), { errors: 'respond', generalPathOnly: true });
      // The log lines name the same problems; stack traces differ by the path taken.
      const firstLines = (text: string) => text.split('\n').filter((line) => line.startsWith('tsgi:'));
      expect({ ...fast, errors: firstLines(fast.errors) }).toEqual({ ...general, errors: firstLines(general.errors) });
    });
  }
});

describe('faulty fixtures', () => {
  for (const fixture of faulty) {
    const fault = fixture.fault!;
    it(`${fault.lifecycle}: ${fixture.name}: ${fixture.about}`, async () => {
      const faults: unknown[] = [];
      const environ = buildEnviron(fixture.request);
      const response = await callApplication(fixture.app, environ, { errors: 'respond' });
      await callApplication(fixture.app, buildEnviron(fixture.request)).catch((e: unknown) => faults.push(e));
      expect(differences(response, fixture.expect)).toEqual([]);
      expect(faults.map(ruleOf)).toEqual([fault.lifecycle]);
      // The cause is logged, naming the rule (or the app's own message).
      expect(response.errors).toContain(fault.lifecycle === 'app' ? 'application error' : `(${fault.lifecycle})`);
    });

    it(`${fault.validator}: ${fixture.name}: the validator names the mistake`, async () => {
      const warnings: ValidationWarning[] = [];
      const checked = validator(fixture.app, { onWarning: (w) => warnings.push(w) });
      if (fault.validatorWarns === true) {
        const response = await callApplication(checked, buildEnviron(fixture.request), { errors: 'respond' });
        expect(warnings.map((w) => w.rule)).toContain(fault.validator);
        expect(differences(response, fixture.expect)).toEqual([]);
        return;
      }
      const error = await callApplication(checked, buildEnviron(fixture.request)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ruleOf(error)).toBe(fault.validator);
    });
  }
});
