/**
 * The host-wide request budget: one per organization (base URL + credential) per process, shared by every
 * resource and operation of a `pulumi up`, which Pulumi runs all at once in one provider host.
 *
 * Without it, each request retries a 429 on its own: hundreds of them wait exactly `Retry-After`, come back
 * in the same instant, are refused again, and run out of attempts. With it:
 * - at most `maxInFlight` requests are on the wire at once;
 * - a 429 holds EVERY request of the organization until its `Retry-After` (plus jitter), not only the one
 *   refused, and lowers the rate the budget paces requests at (multiplicative decrease, once per episode:
 *   the 429s of requests sent before the decrease are the same episode);
 * - the rate starts at `startRate`, or unpaced when 0 (no cost at all until the server first refuses; then,
 *   if other requests were in flight or waiting, pacing starts at what the server let through in the last
 *   second) and, while requests wait for their turn, grows with every success: fast at first (slow start,
 *   e-fold a second, until the first cut, which halves it), then by ~3% a second (additive increase), so that
 *   a burst settles just under the server's limit instead of hammering it.
 *
 * The budget only decides WHEN a request leaves; whether to send it again is `retry.ts`'s call. It is reached
 * through the shared dispatcher's interceptor (`budgetInterceptor.ts`), which reads a {@link Ticket} off the
 * request's options. Time a request spends waiting for its turn (not for a 429's hold) is reported on the
 * ticket, so that the transport does not count the host's own queue against an operation's deadline.
 */
import { createHash } from "node:crypto";

/** The budget's settings (part of `RetryPolicy`, from `agentmail:retry`). */
export interface BudgetSettings {
  /** Requests per second to start pacing at; 0 (default): unpaced until the first 429. */
  readonly startRate: number;
  /** Most requests of one organization on the wire at once. Default 32. */
  readonly maxInFlight: number;
}

/** One request's pass through the budget. @internal */
export interface Ticket {
  readonly budget: RateBudget;
  /** A retry goes ahead of first attempts: it belongs to an operation that already waited its turn. */
  readonly retry: boolean;
  /** Cap on the hold a `Retry-After` causes (the policy's `maxRetryAfterMs`). */
  readonly maxHoldMs: number;
  /** Set on admission: ms spent waiting for a turn, holds excluded. */
  queuedMs: number;
  /** The rate episode the request was admitted in (see `RateBudget.release`). */
  epoch: number;
}

/** What a response told the budget. @internal */
export interface Answer {
  /** HTTP status; undefined when the request failed without one. */
  readonly status: number | undefined;
  readonly retryAfterMs?: number | undefined;
}

/** Decrease factor of the rate on a new 429 episode. */
const DECREASE = 0.85;
/** Rate added per success while requests queue: at rate r, ~3% of r per second. */
const INCREASE = 0.03;
/** The same until the first decrease (slow start): the rate grows e-fold a second. */
const SLOW_START_INCREASE = 1;
/** Decrease factor of the first cut after slow start. */
const SLOW_START_DECREASE = 0.5;
/** The hold when a 429 carries no `Retry-After`. */
const DEFAULT_HOLD_MS = 1_000;
/** Extra hold, as a fraction of the hold: the queue does not all come back in one instant. */
const HOLD_JITTER = 0.2;
/** Window over which successes are counted to estimate the server's rate at the first 429. */
const WINDOW_MS = 1_000;

interface Waiter {
  readonly ticket: Ticket;
  readonly enqueuedAt: number;
  readonly heldAtEnqueue: number;
  readonly admit: () => void;
}

/** Counters, for tests and the benchmark. */
export interface BudgetStats {
  /** Requests admitted. */
  sent: number;
  /** 429 answers seen. */
  throttled: number;
  /** Times a 429 started a new episode (a hold and a decrease). */
  episodes: number;
}

/** A budget: see the module's header. @internal */
export class RateBudget {
  /** Pacing rate in requests/s; Infinity while unpaced. */
  rate: number;
  maxInFlight: number;
  readonly stats: BudgetStats = { sent: 0, throttled: 0, episodes: 0 };
  private inFlight = 0;
  private nextAt = 0;
  private holdStart = 0;
  private holdUntil = 0;
  private heldBefore = 0;
  private epoch = 0;
  /** Until the first cut of a paced rate, the rate grows fast (it may start far below the limit). */
  private slowStart = true;
  private readonly retries: Waiter[] = [];
  private readonly firsts: Waiter[] = [];
  private firstsHead = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Times of recent successes, kept only while unpaced (for `estimate`). */
  private readonly successes: number[] = [];
  private successesHead = 0;

  constructor(
    settings: BudgetSettings,
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {
    this.rate = settings.startRate > 0 ? settings.startRate : Infinity;
    this.maxInFlight = settings.maxInFlight;
  }

  /** Resolves when the request may leave; sets `ticket.queuedMs` and `ticket.epoch`. */
  acquire(ticket: Ticket): Promise<void> {
    return new Promise((resolve) => {
      const now = this.now();
      const waiter: Waiter = { ticket, enqueuedAt: now, heldAtEnqueue: this.heldTotal(now), admit: resolve };
      (ticket.retry ? this.retries : this.firsts).push(waiter);
      this.pump();
    });
  }

  /** Called once per admitted request, when its answer (or failure) is known. */
  release(ticket: Ticket, answer: Answer): void {
    this.inFlight--;
    const now = this.now();
    if (answer.status === 429) {
      this.stats.throttled++;
      const hold = Math.min(answer.retryAfterMs ?? DEFAULT_HOLD_MS, ticket.maxHoldMs);
      this.hold(now, now + hold * (1 + HOLD_JITTER * this.random()));
      if (ticket.epoch === this.epoch) {
        // A new episode: sent at the current rate, and refused. Later 429s of requests admitted before now
        // are this same episode and lower nothing.
        this.epoch++;
        this.stats.episodes++;
        if (Number.isFinite(this.rate)) {
          // Out of slow start the overshoot can be twice the limit: halve, as TCP does; later, a gentle cut.
          this.rate = Math.max(1, this.rate * (this.slowStart ? SLOW_START_DECREASE : DECREASE));
          this.slowStart = false;
        }
        // Unpaced, a lone request's 429 says nothing of a rate (and pacing a sequential caller at what it
        // happened to send would only slow it down): the hold is enough. With others in flight or waiting,
        // the server has just shown what it lets through: start pacing there.
        else if (this.inFlight + this.waiting() > 0) this.rate = this.estimate(now);
      }
    } else if (answer.status !== undefined && answer.status < 500 && answer.status !== 408) {
      if (!Number.isFinite(this.rate)) this.recordSuccess(now);
      // Only while demand exceeds the pace: an idle budget does not drift up to a rate it never tried.
      else if (this.waiting() > 0 || ticket.queuedMs > 0) this.rate += this.slowStart ? SLOW_START_INCREASE : INCREASE;
    }
    this.pump();
  }

  /** Requests waiting for their turn. */
  waiting(): number {
    return this.retries.length + this.firsts.length - this.firstsHead;
  }

  /** The first rate after unpaced sending was refused: what the server let through in the last second. */
  private estimate(now: number): number {
    this.trim(now);
    return Math.max(1, this.successes.length - this.successesHead);
  }

  private recordSuccess(now: number): void {
    this.successes.push(now);
    this.trim(now);
  }

  /** Drops successes older than the window (a moving head, compacted now and then). */
  private trim(now: number): void {
    while (this.successesHead < this.successes.length && this.successes[this.successesHead]! < now - WINDOW_MS) {
      this.successesHead++;
    }
    if (this.successesHead > 1024) {
      this.successes.splice(0, this.successesHead);
      this.successesHead = 0;
    }
  }

  private hold(now: number, until: number): void {
    if (now >= this.holdUntil) {
      this.heldBefore += this.holdUntil - this.holdStart;
      this.holdStart = now;
    }
    this.holdUntil = Math.max(this.holdUntil, until);
    // Pacing restarts when the hold ends.
    this.nextAt = Math.max(this.nextAt, this.holdUntil);
  }

  /** Total ms spent holding, up to `now`. */
  private heldTotal(now: number): number {
    return this.heldBefore + Math.max(0, Math.min(now, this.holdUntil) - this.holdStart);
  }

  private pump(): void {
    for (;;) {
      if (this.waiting() === 0 || this.inFlight >= this.maxInFlight) return;
      const now = this.now();
      const at = Math.max(this.holdUntil, Number.isFinite(this.rate) ? this.nextAt : 0);
      if (now < at) {
        this.wakeAt(at - now);
        return;
      }
      const waiter = this.retries.shift() ?? this.firsts[this.firstsHead++]!;
      if (this.firstsHead > 1024 && this.firstsHead * 2 > this.firsts.length) {
        this.firsts.splice(0, this.firstsHead);
        this.firstsHead = 0;
      }
      if (Number.isFinite(this.rate)) this.nextAt = Math.max(this.nextAt, now - 1000 / this.rate) + 1000 / this.rate;
      this.inFlight++;
      this.stats.sent++;
      const held = this.heldTotal(now) - waiter.heldAtEnqueue;
      waiter.ticket.queuedMs = Math.max(0, now - waiter.enqueuedAt - held);
      waiter.ticket.epoch = this.epoch;
      waiter.admit();
    }
  }

  private wakeAt(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(1, Math.ceil(ms)),
    );
  }
}

const budgets = new Map<string, RateBudget>();

/**
 * The process's budget for an organization: one per base URL and credential (the credential is only hashed
 * into the key). Settings come from the latest caller: a stack has one `agentmail:retry`.
 * @internal
 */
export function budgetFor(baseUrl: string, apiKey: string, settings: BudgetSettings): RateBudget {
  const key = `${baseUrl} ${createHash("sha256").update(apiKey).digest("hex")}`;
  let budget = budgets.get(key);
  if (budget === undefined) {
    budget = new RateBudget(settings);
    budgets.set(key, budget);
  } else {
    budget.maxInFlight = settings.maxInFlight;
  }
  return budget;
}
