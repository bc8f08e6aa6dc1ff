// The context manager: AsyncLocalStorage (on Node 24, AsyncContextFrame: no promise hooks), used
// only while a traced request or span needs it. Everything else (unsampled requests, background
// timers, start-up work) runs under a suppressed context and records nothing.
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';

export const SUPPRESSED_ROOT = suppressTracing(ROOT_CONTEXT);

/**
 * AsyncLocalStorage context, without binding event emitters. Binding an emitter (the http
 * instrumentation binds every request and response) patches its on/addListener/removeListener and
 * wraps each listener so every emitted event re-enters the context: on this workload that was a
 * measurable share of all tracing cost, paid even by unsampled requests. Promises, timers and
 * callbacks keep their context through AsyncLocalStorage anyway; the few listeners that need the
 * request's context (JSON body parsing) restore it themselves (see http.ts).
 */
export class RequestContextManager extends AsyncLocalStorageContextManager {
  /** Work in flight that needs its context to follow it across awaits (traced requests, spans). */
  private holds = 0;

  override bind<T>(ctx: Context, target: T): T {
    if (target instanceof EventEmitter) return target;
    return super.bind(ctx, target);
  }

  private get storage(): AsyncLocalStorage<Context> {
    return (this as unknown as { _asyncLocalStorage: AsyncLocalStorage<Context> })._asyncLocalStorage;
  }

  /** Outside any stored context nothing is recorded: the active context is "suppressed". */
  override active(): Context {
    return this.storage.getStore() ?? SUPPRESSED_ROOT;
  }

  /**
   * Entering a suppressed context outside any stored one just calls `fn` (it already runs under the
   * suppressed default). Anything else holds the storage until `fn` (or the promise it returns) is
   * done; when the last holder is done the storage is disabled, so a timer or socket callback that
   * a traced request happened to create does not carry that request's context into unrelated
   * background work later.
   */
  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (this.storage.getStore() !== undefined) return super.with(ctx, fn, thisArg, ...args);
    if (isTracingSuppressed(ctx)) return fn.apply(thisArg as ThisParameterType<F>, args);
    this.hold();
    let result: ReturnType<F>;
    try {
      result = super.with(ctx, fn, thisArg, ...args);
    } catch (err) {
      this.release();
      throw err;
    }
    const thenable = result as unknown as { then?: (ok: () => void, ko: () => void) => unknown } | undefined;
    if (thenable && typeof thenable.then === 'function') {
      thenable.then(
        () => this.release(),
        () => this.release(),
      );
    } else {
      this.release();
    }
    return result;
  }

  /** Keeps the storage on until the matching `release`. */
  hold(): void {
    this.holds += 1;
  }

  release(): void {
    this.holds -= 1;
    // Off when nothing needs it; the next `run` (a traced request) switches it on again.
    if (this.holds === 0) this.storage.disable();
  }

  /** Whether a traced request or span holds the storage (for tests). */
  get storageEnabled(): boolean {
    return this.holds > 0;
  }
}

/**
 * The running SDK's context manager, read directly on the per-request paths: the API's `context`
 * finds it through a version-checked global on every call, and a traced request asks a few dozen
 * times. Undefined until `startTracing` and after its shutdown (the API's answer is used then).
 */
let manager: RequestContextManager | undefined;

export function setContextManager(m: RequestContextManager | undefined): void {
  manager = m;
}

/** `context.active()`, straight from the running context manager. */
export function activeContext(): Context {
  return manager !== undefined ? manager.active() : context.active();
}

/** `context.with(ctx, fn)`, straight through the running context manager. */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return manager !== undefined ? manager.with(ctx, fn) : context.with(ctx, fn);
}

/**
 * Runs `fn`, and everything it starts, outside any trace: for work a request sets going that then
 * serves many requests (a batch loop, a shared connection). Under AsyncLocalStorage it would
 * otherwise carry the first request's context for as long as it runs.
 */
export function untraced<T>(fn: () => T): T {
  return withContext(SUPPRESSED_ROOT, fn);
}
