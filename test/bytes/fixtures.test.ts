/**
 * The bytes version of every fixture through the bytes test client (the gateways' lifecycle,
 * as toNativeApp serves it), then under the bytes validator: the same responses the native
 * fixtures give, no warning for a correct app, the rule named for a faulty one.
 */
import { describe, expect, it } from 'vitest';
import { buildBytesEnviron, callBytesApplication } from '../../src/bytes/testing';
import { bytesValidator } from '../../src/bytes/validate';
import { ProtocolError } from '../../src/native/errors';
import { ValidationError, type ValidationWarning } from '../../src/native/validate';
import { differences, fixtures } from '../fixtures';
import { bytesVersionNames, bytesVersionOf } from '../fixtures/bytes-versions';

function ruleOf(error: unknown): string {
  if (error instanceof ProtocolError || error instanceof ValidationError) return error.rule;
  return 'app';
}

it('every fixture has a bytes version, and every bytes version a fixture', () => {
  expect(new Set(bytesVersionNames)).toEqual(new Set(fixtures.map((f) => f.name)));
});

describe.each(fixtures)('$name, bytes version', (fixture) => {
  const version = bytesVersionOf(fixture.name);

  it('answers as the native fixture does', async () => {
    const response = await callBytesApplication(version.app, buildBytesEnviron(fixture.request), { errors: 'respond' });
    expect(differences(response, fixture.expect)).toEqual([]);
  });

  if (version.fault === undefined) {
    it('passes the bytes validator without a warning', async () => {
      const warnings: ValidationWarning[] = [];
      const checked = bytesValidator(version.app, { onWarning: (w) => warnings.push(w) });
      const response = await callBytesApplication(checked, buildBytesEnviron(fixture.request));
      expect(warnings).toEqual([]);
      expect(differences(response, fixture.expect)).toEqual([]);
    });
    return;
  }
  const fault = version.fault;

  it(`${fault.lifecycle}: the gateway names the mistake`, async () => {
    const error = await callBytesApplication(version.app, buildBytesEnviron(fixture.request)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ruleOf(error)).toBe(fault.lifecycle);
  });

  it(`${fault.validator}: the bytes validator names the mistake`, async () => {
    const warnings: ValidationWarning[] = [];
    const checked = bytesValidator(version.app, { onWarning: (w) => warnings.push(w) });
    if (fault.validatorWarns === true) {
      await callBytesApplication(checked, buildBytesEnviron(fixture.request), { errors: 'respond' });
      expect(warnings.map((w) => w.rule)).toContain(fault.validator);
      return;
    }
    const error = await callBytesApplication(checked, buildBytesEnviron(fixture.request)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ruleOf(error)).toBe(fault.validator);
  });
});
