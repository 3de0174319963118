/**
 * Every fixture app through the test client (the gateways' lifecycle), then again under the
 * validator: correct apps must answer as expected with no warning at all; faulty ones must get
 * a clear 500 or a cut connection, with the rule named by both layers.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/native/errors';
import { buildEnviron, callApplication } from '../../src/native/testing';
import { ValidationError, type ValidationWarning, validator } from '../../src/native/validate';
import { correct, differences, faulty } from '../fixtures';

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
