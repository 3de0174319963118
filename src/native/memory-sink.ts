/**
 * A {@link ResponseSink} that keeps the response in memory: the test client's transport, and a
 * way to drive the lifecycle in tests with backpressure and disconnects on demand.
 *
 * @example
 * const sink = new MemorySink();
 * await runApplication(app, environ, sink);
 * sink.head?.status; // '200 OK'
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import type { ResponseHead, ResponseSink } from './sink';

export type SinkState = 'open' | 'ended' | 'aborted';

export class MemorySink implements ResponseSink {
  readonly canChunk: boolean;
  head: ResponseHead | undefined;
  readonly chunks: Uint8Array[] = [];
  state: SinkState = 'open';
  /** Why the response was cut (by the lifecycle or by {@link disconnect}). */
  abortReason: Error | undefined;

  private blocked = false;
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private abortListeners: Array<(reason: Error) => void> = [];

  constructor(options: { canChunk?: boolean } = {}) {
    this.canChunk = options.canChunk ?? true;
  }

  /** All body bytes, concatenated. */
  get body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  sendHead(head: ResponseHead): void {
    if (this.head !== undefined) throw new Error('MemorySink: sendHead() called twice');
    if (this.state !== 'open') throw new Error(`MemorySink: sendHead() on a sink that is ${this.state}`);
    this.head = head;
  }

  write(chunk: Uint8Array): boolean {
    if (this.head === undefined) throw new Error('MemorySink: write() before sendHead()');
    if (this.state !== 'open') throw this.abortReason ?? new Error(`MemorySink: write() on a sink that is ${this.state}`);
    // Copy: a transport owns what it was handed, the app may reuse its buffer afterwards.
    this.chunks.push(Uint8Array.prototype.slice.call(chunk));
    return !this.blocked;
  }

  drained(): Promise<void> {
    if (this.state === 'aborted') return Promise.reject(this.abortReason);
    if (!this.blocked) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  end(lastChunk?: Uint8Array): void {
    if (this.head === undefined) throw new Error('MemorySink: end() before sendHead()');
    if (lastChunk !== undefined && this.state === 'open') this.write(lastChunk);
    if (this.state === 'open') this.state = 'ended';
  }

  abort(reason: Error): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.abortReason = reason;
    this.rejectWaiters(reason);
  }

  onAbort(listener: (reason: Error) => void): void {
    // A listener that comes after the client left hears of it at once.
    if (this.state === 'aborted' && this.abortReason !== undefined) listener(this.abortReason);
    else this.abortListeners.push(listener);
  }

  /** Test control: make write() report a full buffer until {@link unblock}. */
  block(): void {
    this.blocked = true;
  }

  unblock(): void {
    this.blocked = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  /** Test control: the client goes away. */
  disconnect(reason = new Error('client disconnected')): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.abortReason = reason;
    this.rejectWaiters(reason);
    for (const listener of this.abortListeners) listener(reason);
  }

  private rejectWaiters(reason: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(reason);
  }
}
