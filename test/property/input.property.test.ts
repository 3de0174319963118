import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputStream } from '../../src/native/input';

type Op =
  | { kind: 'read'; size: number | undefined }
  | { kind: 'readline'; size: number | undefined }
  | { kind: 'readlines'; hint: number | undefined };

/** Python buffered-file semantics over an in-memory body: the model InputStream must match. */
function model(body: Uint8Array, ops: Op[]): (Uint8Array | Uint8Array[])[] {
  let pos = 0;
  const readline = (cap: number): Uint8Array => {
    const nl = body.indexOf(0x0a, pos);
    const end = Math.min(nl < 0 ? body.length : nl + 1, pos + cap, body.length);
    const line = body.slice(pos, end);
    pos = end;
    return line;
  };
  return ops.map((op) => {
    if (op.kind === 'read') {
      const cap = op.size === undefined || op.size === -1 ? Infinity : op.size;
      const end = Math.min(body.length, pos + cap);
      const out = body.slice(pos, end);
      pos = end;
      return out;
    }
    if (op.kind === 'readline') {
      return readline(op.size === undefined || op.size === -1 ? Infinity : op.size);
    }
    const lines: Uint8Array[] = [];
    let total = 0;
    const budget = op.hint !== undefined && op.hint > 0 ? op.hint : Infinity;
    while (total < budget) {
      const line = readline(Infinity);
      if (line.length === 0) break;
      lines.push(line);
      total += line.length;
    }
    return lines;
  });
}

function run(s: InputStream, op: Op): Promise<Uint8Array | Uint8Array[]> {
  if (op.kind === 'read') return s.read(op.size);
  if (op.kind === 'readline') return s.readline(op.size);
  return s.readlines(op.hint);
}

/** Split `body` at the given cut points (sorted, deduplicated) into chunks. */
function split(body: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(body.subarray(start, p));
    start = p;
  }
  chunks.push(body.subarray(start));
  return chunks;
}

async function* asyncChunks(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

const size = fc.oneof(fc.constant(undefined), fc.constant(-1), fc.nat(40));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('read' as const), size }),
  fc.record({ kind: fc.constant('readline' as const), size }),
  fc.record({
    kind: fc.constant('readlines' as const),
    hint: fc.oneof(fc.constant(undefined), fc.integer({ min: -2, max: 30 })),
  }),
);
// Bodies rich in newlines, so line operations have something to find.
const bodyArb = fc
  .array(fc.oneof(fc.constant(0x0a), fc.integer({ min: 0, max: 255 })), { maxLength: 120 })
  .map((a) => Uint8Array.from(a));

const cutsArb = fc.array(fc.nat(), { maxLength: 10 });
const opsArb = fc.array(opArb, { maxLength: 15 });

const plain = (results: (Uint8Array | Uint8Array[])[]) =>
  results.map((r) => (Array.isArray(r) ? r.map((x) => Array.from(x)) : Array.from(r)));

describe('InputStream matches buffered-file semantics (D-N10)', () => {
  it('N-40, N-41, N-42: sequential operations match the model for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, cutsArb, opsArb, async (body, cuts, ops) => {
        const s = new InputStream(asyncChunks(split(body, cuts)), { length: body.length });
        const actual: (Uint8Array | Uint8Array[])[] = [];
        for (const op of ops) actual.push(await run(s, op));
        expect(plain(actual)).toEqual(plain(model(body, ops)));
      }),
    );
  });

  it('N-45: the same operations issued all at once give the same results', async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, cutsArb, opsArb, async (body, cuts, ops) => {
        const s = new InputStream(asyncChunks(split(body, cuts)), { terminated: true });
        const actual = await Promise.all(ops.map((op) => run(s, op)));
        expect(plain(actual)).toEqual(plain(model(body, ops)));
      }),
    );
  });

  it('N-37: a declared length shorter than the source bounds every operation', async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, fc.nat(), cutsArb, opsArb, async (body, cut, cuts, ops) => {
        const length = cut % (body.length + 1);
        const s = new InputStream(split(body, cuts), { length });
        const actual: (Uint8Array | Uint8Array[])[] = [];
        for (const op of ops) actual.push(await run(s, op));
        expect(plain(actual)).toEqual(plain(model(body.slice(0, length), ops)));
      }),
    );
  });
});
