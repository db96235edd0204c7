/**
 * The undici interceptor that puts every request carrying a {@link Ticket} through its organization's
 * {@link RateBudget}: it waits for the budget's go, dispatches, and tells the budget the answer's status (and
 * `Retry-After`) as soon as the headers arrive. Composed onto the transport's dispatcher
 * (`Dispatcher.compose`), so that nothing above the transport has to know about rate limits. A request
 * without a ticket passes straight through.
 */
import type { Dispatcher } from "undici";
import type { Answer, Ticket } from "./budget";
import { parseRetryAfter } from "./retry";

/** Where the transport puts a request's ticket in undici's dispatch options. @internal */
export const TICKET = Symbol.for("pulumi-agentmail.budget-ticket");

/** The dispatch options, as the interceptor reads them. */
type WithTicket = Dispatcher.DispatchOptions & { [TICKET]?: Ticket };

/** The interceptor (`dispatcher.compose(budgetInterceptor)`). @internal */
export const budgetInterceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
  const ticket = (opts as WithTicket)[TICKET];
  if (ticket === undefined) return dispatch(opts, handler);
  ticket.budget.acquire(ticket).then(
    () => {
      const once = releaseOnce(ticket);
      try {
        dispatch(opts, new Reporting(handler, once));
      } catch (e) {
        once({ status: undefined });
        handler.onResponseError?.(undefined as unknown as Dispatcher.DispatchController, e as Error);
      }
    },
    // acquire never rejects; this is for the type checker's sake.
    /* c8 ignore next */ () => undefined,
  );
  return true;
};

function releaseOnce(ticket: Ticket): (answer: Answer) => void {
  let done = false;
  return (answer) => {
    if (done) return;
    done = true;
    ticket.budget.release(ticket, answer);
  };
}

/** Forwards every event to the caller's handler, telling the budget the status when the headers arrive. */
class Reporting implements Dispatcher.DispatchHandler {
  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly release: (answer: Answer) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestUpgrade"]>>[2],
    socket: Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestUpgrade"]>>[3],
  ): void {
    this.release({ status: statusCode });
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler["onResponseStart"]>>[2],
    statusMessage?: string,
  ): void {
    // The server has decided by now: the slot is free for the next request, whatever the body does.
    this.release({ status: statusCode, retryAfterMs: parseRetryAfter(headers["retry-after"]) });
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(
    controller: Dispatcher.DispatchController,
    trailers: Parameters<NonNullable<Dispatcher.DispatchHandler["onResponseEnd"]>>[1],
  ): void {
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.release({ status: undefined });
    this.inner.onResponseError?.(controller, error);
  }
}
