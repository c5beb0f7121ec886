import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../timer/clock.js';
import { Journal, PropertyValue, type JournalLine } from './journal.js';

/** What a producer sends: the shape of `topic.send` and of `POST /_devhost/servicebus/topics/{topic}/messages`. */
export const MessageToSend = z.object({
  body: z.union([z.string(), z.instanceof(Uint8Array)]),
  /** Service Bus limit: 128 characters (learn.microsoft.com, "Service Bus quotas"). Random when absent, as the SDK does. */
  messageId: z.string().min(1).max(128).optional(),
  contentType: z.string().optional(),
  correlationId: z.string().optional(),
  subject: z.string().optional(),
  applicationProperties: z.record(z.string(), PropertyValue).optional(),
});
export type MessageToSend = z.infer<typeof MessageToSend>;

/** A message as the topic stores it. */
export interface TopicMessage {
  sequenceNumber: number;
  messageId: string;
  body: Buffer;
  contentType?: string;
  correlationId?: string;
  subject?: string;
  applicationProperties: Record<string, PropertyValue>;
  enqueuedTimeMs: number;
}

/** How a subscription behaves: its filter and the entity properties the devhost honours. */
export interface SubscriptionSettings {
  name: string;
  /** The filter as Service Bus would show it (SQL text), for listings. */
  filterText: string;
  matches(applicationProperties: Record<string, PropertyValue>): boolean;
  maxDeliveryCount: number;
  lockDurationMs: number;
  timeToLiveMs: number;
}

/** A message locked for one consumer (peek-lock): settle it with complete or abandon. */
export interface Delivery {
  subscription: string;
  message: TopicMessage;
  deliveryCount: number;
  lockToken: string;
  lockedUntilMs: number;
  expiresAtMs: number;
}

export interface SendReceipt {
  messageId: string;
  /** Undefined when duplicate detection dropped the message. */
  sequenceNumber?: number;
  duplicate: boolean;
  /** Subscriptions the message was copied to (none: Service Bus discards it). */
  subscriptions: string[];
}

export interface DeadLetteredMessage {
  sequenceNumber: number;
  messageId: string;
  deliveryCount: number;
  deadLetterReason: string;
  deadLetterErrorDescription: string;
  deadLetteredTimeUtc: string;
  enqueuedTimeUtc: string;
  contentType?: string;
  correlationId?: string;
  subject?: string;
  applicationProperties: Record<string, PropertyValue>;
  body: string;
}

export interface SubscriptionStats {
  subscription: string;
  filter: string;
  active: number;
  locked: number;
  deadLettered: number;
  /** Age of the oldest message still on the subscription (ms; 0 when it is empty): how far its consumer is behind. */
  oldestAgeMs: number;
  /** Messages dead-lettered because their time to live ran out before a consumer took them. */
  expired: number;
  /** Messages completed since this process started (a consumer's throughput, by difference). */
  completed: number;
}

/** What a settlement did, for the progress feed. */
export type Settlement = { outcome: 'completed' | 'abandoned' | 'deadLettered'; reason?: string; description?: string };

export class TopicError extends Error {
  readonly code = 'ERR-DEVHOST-SERVICEBUS';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field} ${detail}`);
    this.name = 'TopicError';
  }
}

/**
 * Service Bus's MessageLockLostException: a settlement or renewal after the lock ran out (or after another consumer
 * took the message). The message stays on the subscription and is delivered again.
 */
export class LockLostError extends TopicError {
  constructor(
    readonly messageId: string,
    readonly deliveryCount: number,
  ) {
    super(
      'lockToken',
      `of message ${messageId} (delivery ${deliveryCount}) is no longer held: the lock expired or the message was settled (MessageLockLostException)`,
    );
    this.name = 'LockLostError';
  }
}

/** Reason Service Bus gives a message dead-lettered for too many deliveries (learn.microsoft.com, "Service Bus dead-letter queues"). */
export const MAX_DELIVERY_REASON = 'MaxDeliveryCountExceeded';
/** Reason Service Bus gives an expired message when dead-lettering on expiration is on (same page). */
export const TTL_EXPIRED_REASON = 'TTLExpiredException';

interface ActiveEntry {
  deliveryCount: number;
  /** Earliest time a consumer may take it (after a lock held by a previous devhost process runs out). */
  availableAtMs: number;
  /** Set while a consumer of this process holds the lock. */
  lockToken?: string;
  lockedUntilMs?: number;
  /**
   * When its time to live started, if not at enqueue: replayed from the dead-letter queue, a message lives its full
   * time to live again (in Azure a replay is a new message), or a replayed expired message would expire at once.
   */
  ttlFromMs?: number;
}

interface DeadEntry {
  deliveryCount: number;
  reason: string;
  description: string;
  atMs: number;
}

interface SubscriptionState {
  settings: SubscriptionSettings;
  active: Map<number, ActiveEntry>;
  dead: Map<number, DeadEntry>;
  waiters: Set<() => void>;
  /** Completions in this process, for stats. */
  completed: number;
}

export interface TopicOptions {
  dir: string;
  /**
   * Window in which a second message with the same id is dropped (Service Bus duplicate detection); undefined for a
   * topic created without it, Service Bus's default (learn.microsoft.com, "Duplicate detection").
   */
  duplicateWindowMs?: number;
  /** Time of enqueues, locks and expiry, and the timers that wake receivers when a lock runs out. */
  clock: Clock;
}

/**
 * A local Service Bus topic: each message is copied to every subscription whose filter matches; consumers receive
 * with peek-lock (delivery count +1 per lock); abandon makes it available again, and after `maxDeliveryCount`
 * deliveries it moves to the subscription's dead-letter queue. State is journaled synchronously, so it survives a
 * killed devhost; a lock held by the killed process runs out after the subscription's lock duration, as in Azure.
 */
export class LocalTopic {
  readonly #subs = new Map<string, SubscriptionState>();
  readonly #messages = new Map<number, TopicMessage>();
  /** messageId → enqueued time, for duplicate detection. */
  readonly #history = new Map<string, number>();
  readonly #journal: Journal;
  readonly #now: () => number;
  #nextSeq = 1;

  constructor(
    readonly name: string,
    subscriptions: SubscriptionSettings[],
    private readonly options: TopicOptions,
  ) {
    this.#now = () => options.clock.now();
    for (const s of subscriptions) this.#addSubscription(s);
    const file = path.join(options.dir, 'journal.jsonl');
    this.#load(Journal.read(file));
    this.#journal = Journal.rewrite(file, this.#snapshot());
  }

  /** Subscription names, in definition order. */
  get subscriptionNames(): string[] {
    return [...this.#subs.keys()];
  }

  /** The subscription's settings; throws TopicError naming it when the topic has no such subscription. */
  subscription(name: string): SubscriptionSettings {
    return this.#sub(name).settings;
  }

  /** Adds a subscription if it is missing (topics outside the shared definition get them on first use). */
  ensureSubscription(settings: SubscriptionSettings): void {
    if (!this.#subs.has(settings.name)) this.#addSubscription(settings);
  }

  /** Enqueues messages (validated; duplicates inside the window dropped) and wakes consumers; durable when this returns. */
  send(messages: MessageToSend[]): SendReceipt[] {
    const parsed = z.array(MessageToSend).safeParse(messages);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TopicError(`messages.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'is invalid');
    }
    const now = this.#now();
    this.#forgetHistory(now);
    const woken = new Set<SubscriptionState>();
    const receipts = parsed.data.map((m): SendReceipt => {
      // The SDKs give a message without an id a random one (32 hex digits, like .NET's Guid "N" format).
      const messageId = m.messageId ?? randomUUID().replaceAll('-', '');
      if (this.options.duplicateWindowMs !== undefined && this.#history.has(messageId))
        return { messageId, duplicate: true, subscriptions: [] };
      const message: TopicMessage = {
        sequenceNumber: this.#nextSeq++,
        messageId,
        body: typeof m.body === 'string' ? Buffer.from(m.body, 'utf8') : Buffer.from(m.body),
        contentType: m.contentType,
        correlationId: m.correlationId,
        subject: m.subject,
        applicationProperties: m.applicationProperties ?? {},
        enqueuedTimeMs: now,
      };
      const targets = [...this.#subs.values()].filter((s) => s.settings.matches(message.applicationProperties));
      this.#journal.append({ ...messageLine(message), subs: targets.map((s) => s.settings.name) });
      if (this.options.duplicateWindowMs !== undefined) {
        // Most recent last, so #forgetHistory can stop at the first id still inside the window.
        this.#history.delete(messageId);
        this.#history.set(messageId, now);
      }
      if (targets.length > 0) this.#messages.set(message.sequenceNumber, message);
      for (const s of targets) {
        s.active.set(message.sequenceNumber, { deliveryCount: 0, availableAtMs: 0 });
        woken.add(s);
      }
      return {
        messageId,
        sequenceNumber: message.sequenceNumber,
        duplicate: false,
        subscriptions: targets.map((s) => s.settings.name),
      };
    });
    for (const s of woken) wakeAll(s);
    return receipts;
  }

  /**
   * Locks the first available message of the subscription for a consumer (delivery count +1), or undefined. A
   * message whose lock ran out is available again, as in Service Bus, even if its first consumer still works on it.
   * An expired message met on the way is dead-lettered, not delivered; so is one whose lock ran out on its last
   * allowed delivery.
   */
  receive(subscription: string): Delivery | undefined {
    const s = this.#sub(subscription);
    const now = this.#now();
    for (const [seq, entry] of s.active) {
      if (entry.lockToken !== undefined ? !lockExpired(entry, now) : entry.availableAtMs > now) continue;
      const message = this.#messages.get(seq)!;
      const expiresAtMs = (entry.ttlFromMs ?? message.enqueuedTimeMs) + s.settings.timeToLiveMs;
      if (expiresAtMs <= now) {
        this.#deadLetter(
          s,
          seq,
          entry,
          TTL_EXPIRED_REASON,
          `The message expired and was dead lettered (time to live ${s.settings.timeToLiveMs} ms).`,
        );
        continue;
      }
      if (entry.lockToken !== undefined && entry.deliveryCount >= s.settings.maxDeliveryCount) {
        this.#deadLetter(
          s,
          seq,
          entry,
          MAX_DELIVERY_REASON,
          `Message could not be consumed after ${entry.deliveryCount} delivery attempts (the lock of the last one expired).`,
        );
        continue;
      }
      entry.deliveryCount += 1;
      entry.lockToken = randomUUID();
      entry.lockedUntilMs = now + s.settings.lockDurationMs;
      this.#journal.append({ o: 'l', s: s.settings.name, q: seq, c: entry.deliveryCount, u: entry.lockedUntilMs });
      return {
        subscription: s.settings.name,
        message,
        deliveryCount: entry.deliveryCount,
        lockToken: entry.lockToken,
        lockedUntilMs: entry.lockedUntilMs,
        expiresAtMs,
      };
    }
    return undefined;
  }

  /** Resolves when a message may be available to `receive` (sent, abandoned, replayed, unlocked or its lock ran out), or when `signal` aborts. */
  waitForMessage(subscription: string, signal: AbortSignal): Promise<void> {
    const s = this.#sub(subscription);
    const now = this.#now();
    let nextAt = Infinity;
    for (const e of s.active.values()) {
      const availableAt = e.lockToken !== undefined ? e.lockedUntilMs! + 1 : e.availableAtMs;
      if (availableAt <= now) return Promise.resolve();
      nextAt = Math.min(nextAt, availableAt);
    }
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = Number.isFinite(nextAt) ? this.options.clock.setTimer(nextAt, () => wake()) : undefined;
      const wake = () => {
        cancel?.();
        s.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      s.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  /**
   * Extends the lock of a delivery by the subscription's lock duration from now (what the SDK's auto lock renewal
   * asks for) and returns the new end; throws TopicError when the lock is already lost.
   */
  renewLock(delivery: Delivery): number {
    const { s, entry } = this.#locked(delivery);
    entry.lockedUntilMs = this.#now() + s.settings.lockDurationMs;
    this.#journal.append({
      o: 'l',
      s: s.settings.name,
      q: delivery.message.sequenceNumber,
      c: entry.deliveryCount,
      u: entry.lockedUntilMs,
    });
    return entry.lockedUntilMs;
  }

  /** Settles a delivery as processed: the message leaves the subscription. */
  complete(delivery: Delivery): Settlement {
    const { s } = this.#locked(delivery);
    s.active.delete(delivery.message.sequenceNumber);
    s.completed += 1;
    this.#journal.append({ o: 'c', s: s.settings.name, q: delivery.message.sequenceNumber });
    this.#release(delivery.message.sequenceNumber);
    return { outcome: 'completed' };
  }

  /**
   * Gives a delivery back after a failure: available again at once, or — when it has been delivered
   * `maxDeliveryCount` times — dead-lettered with MaxDeliveryCountExceeded and the last error as description.
   */
  abandon(delivery: Delivery, lastError: string): Settlement {
    const { s, entry } = this.#locked(delivery);
    const seq = delivery.message.sequenceNumber;
    if (entry.deliveryCount >= s.settings.maxDeliveryCount) {
      const description =
        `Message could not be consumed after ${entry.deliveryCount} delivery attempts. Last error: ${lastError}`.slice(
          0,
          4096,
        );
      this.#deadLetter(s, seq, entry, MAX_DELIVERY_REASON, description);
      return { outcome: 'deadLettered', reason: MAX_DELIVERY_REASON, description };
    }
    entry.lockToken = undefined;
    entry.lockedUntilMs = undefined;
    entry.availableAtMs = 0;
    this.#journal.append({ o: 'a', s: s.settings.name, q: seq });
    wakeAll(s);
    return { outcome: 'abandoned' };
  }

  /** The subscription's dead-letter queue, oldest first. */
  deadLetters(subscription: string): DeadLetteredMessage[] {
    const s = this.#sub(subscription);
    return [...s.dead].map(([seq, d]) => {
      const m = this.#messages.get(seq)!;
      return {
        sequenceNumber: seq,
        messageId: m.messageId,
        deliveryCount: d.deliveryCount,
        deadLetterReason: d.reason,
        deadLetterErrorDescription: d.description,
        deadLetteredTimeUtc: new Date(d.atMs).toISOString(),
        enqueuedTimeUtc: new Date(m.enqueuedTimeMs).toISOString(),
        contentType: m.contentType,
        correlationId: m.correlationId,
        subject: m.subject,
        applicationProperties: m.applicationProperties,
        body: m.body.toString('utf8'),
      };
    });
  }

  /**
   * Moves dead-lettered messages back into their subscription with a fresh delivery count and a fresh time to live
   * from now (`messageIds` undefined: all). Only that subscription gets them again. Returns the message ids replayed; throws naming an id not in the DLQ.
   */
  replay(subscription: string, messageIds?: readonly string[]): string[] {
    const s = this.#sub(subscription);
    const bySeq = [...s.dead.keys()].map((seq) => ({ seq, id: this.#messages.get(seq)!.messageId }));
    const chosen =
      messageIds === undefined ? bySeq : messageIds.map((id) => bySeq.find((x) => x.id === id) ?? missing(id));
    const now = this.#now();
    for (const { seq } of chosen) {
      s.dead.delete(seq);
      s.active.set(seq, { deliveryCount: 0, availableAtMs: 0, ttlFromMs: now });
      this.#journal.append({ o: 'r', s: s.settings.name, q: seq, t: now });
    }
    if (chosen.length > 0) wakeAll(s);
    return chosen.map((c) => c.id);

    function missing(id: string): never {
      throw new TopicError('id', `"${id}" is not in the dead-letter queue of ${subscription}`);
    }
  }

  stats(): SubscriptionStats[] {
    const now = this.#now();
    return [...this.#subs.values()].map((s) => {
      let oldest = now;
      for (const seq of s.active.keys()) oldest = Math.min(oldest, this.#messages.get(seq)!.enqueuedTimeMs);
      let expired = 0;
      for (const d of s.dead.values()) if (d.reason === TTL_EXPIRED_REASON) expired++;
      return {
        subscription: s.settings.name,
        filter: s.settings.filterText,
        active: s.active.size,
        locked: [...s.active.values()].filter((e) => e.lockToken !== undefined && !lockExpired(e, now)).length,
        deadLettered: s.dead.size,
        oldestAgeMs: now - oldest,
        expired,
        completed: s.completed,
      };
    });
  }

  close(): void {
    this.#journal.close();
    for (const s of this.#subs.values()) wakeAll(s);
  }

  #addSubscription(settings: SubscriptionSettings): void {
    this.#subs.set(settings.name, { settings, active: new Map(), dead: new Map(), waiters: new Set(), completed: 0 });
  }

  #sub(name: string): SubscriptionState {
    const s = this.#subs.get(name);
    if (!s)
      throw new TopicError(
        'subscription',
        `"${name}" does not exist on topic ${this.name} (subscriptions: ${this.subscriptionNames.join(', ') || 'none'})`,
      );
    return s;
  }

  #locked(delivery: Delivery): { s: SubscriptionState; entry: ActiveEntry } {
    const s = this.#sub(delivery.subscription);
    const entry = s.active.get(delivery.message.sequenceNumber);
    if (!entry || entry.lockToken !== delivery.lockToken || lockExpired(entry, this.#now())) {
      throw new LockLostError(delivery.message.messageId, delivery.deliveryCount);
    }
    return { s, entry };
  }

  #deadLetter(s: SubscriptionState, seq: number, entry: ActiveEntry, reason: string, description: string): void {
    const atMs = this.#now();
    s.active.delete(seq);
    s.dead.set(seq, { deliveryCount: entry.deliveryCount, reason, description, atMs });
    this.#journal.append({ o: 'd', s: s.settings.name, q: seq, r: reason, e: description, t: atMs });
  }

  /** Drops a message body no subscription holds any more. */
  #release(seq: number): void {
    for (const s of this.#subs.values()) if (s.active.has(seq) || s.dead.has(seq)) return;
    this.#messages.delete(seq);
  }

  #forgetHistory(now: number): void {
    const window = this.options.duplicateWindowMs;
    if (window === undefined) {
      this.#history.clear();
      return;
    }
    for (const [id, t] of this.#history) {
      if (now - t < window) break;
      this.#history.delete(id);
    }
  }

  /** Rebuilds state from the journal; lines naming a subscription that no longer exists are skipped. */
  #load(lines: JournalLine[]): void {
    for (const l of lines) {
      switch (l.o) {
        case 'm': {
          this.#nextSeq = Math.max(this.#nextSeq, l.q + 1);
          this.#history.set(l.i, l.t);
          const subs = l.subs.map((n) => this.#subs.get(n)).filter((s): s is SubscriptionState => s !== undefined);
          if (subs.length === 0) break;
          this.#messages.set(l.q, {
            sequenceNumber: l.q,
            messageId: l.i,
            body: Buffer.from(l.b, 'base64'),
            contentType: l.ct,
            correlationId: l.ci,
            subject: l.sj,
            applicationProperties: l.ap,
            enqueuedTimeMs: l.t,
          });
          for (const s of subs) s.active.set(l.q, { deliveryCount: 0, availableAtMs: 0 });
          break;
        }
        case 'l': {
          const e = this.#subs.get(l.s)?.active.get(l.q);
          // The lock belonged to a process that is gone: the message waits until that lock would have run out.
          if (e) Object.assign(e, { deliveryCount: l.c, availableAtMs: l.u });
          break;
        }
        case 'a': {
          const e = this.#subs.get(l.s)?.active.get(l.q);
          if (e) e.availableAtMs = 0;
          break;
        }
        case 'c':
          this.#subs.get(l.s)?.active.delete(l.q);
          break;
        case 'd': {
          const s = this.#subs.get(l.s);
          const e = s?.active.get(l.q);
          if (s && e) {
            s.active.delete(l.q);
            s.dead.set(l.q, { deliveryCount: e.deliveryCount, reason: l.r, description: l.e, atMs: l.t });
          }
          break;
        }
        case 'r': {
          // Replayed (from the dead-letter queue, or in a compacted journal an active entry's replay time).
          const s = this.#subs.get(l.s);
          const ttlFrom = l.t === undefined ? {} : { ttlFromMs: l.t };
          if (s?.dead.delete(l.q)) s.active.set(l.q, { deliveryCount: 0, availableAtMs: 0, ...ttlFrom });
          else {
            const e = s?.active.get(l.q);
            if (e) Object.assign(e, ttlFrom);
          }
          break;
        }
        case 'h':
          this.#history.set(l.i, l.t);
          break;
        case 's':
          this.#nextSeq = Math.max(this.#nextSeq, l.q);
          break;
      }
    }
    for (const seq of [...this.#messages.keys()]) this.#release(seq);
    this.#forgetHistory(this.#now());
  }

  /** The live state as journal lines: what a compacted journal holds. */
  #snapshot(): JournalLine[] {
    // Keep the sequence running past messages already gone, so numbers are never reused.
    const lines: JournalLine[] = [{ o: 's', q: this.#nextSeq }];
    const heldIds = new Set([...this.#messages.values()].map((m) => m.messageId));
    for (const [id, t] of this.#history) if (!heldIds.has(id)) lines.push({ o: 'h', i: id, t });
    for (const m of this.#messages.values()) {
      const subs = [...this.#subs.values()].filter(
        (s) => s.active.has(m.sequenceNumber) || s.dead.has(m.sequenceNumber),
      );
      lines.push({ ...messageLine(m), subs: subs.map((s) => s.settings.name) });
      for (const s of subs) {
        const a = s.active.get(m.sequenceNumber);
        if (a && a.deliveryCount > 0)
          lines.push({ o: 'l', s: s.settings.name, q: m.sequenceNumber, c: a.deliveryCount, u: a.availableAtMs });
        if (a?.ttlFromMs !== undefined) lines.push({ o: 'r', s: s.settings.name, q: m.sequenceNumber, t: a.ttlFromMs });
        const d = s.dead.get(m.sequenceNumber);
        if (d) {
          if (d.deliveryCount > 0)
            lines.push({ o: 'l', s: s.settings.name, q: m.sequenceNumber, c: d.deliveryCount, u: 0 });
          lines.push({ o: 'd', s: s.settings.name, q: m.sequenceNumber, r: d.reason, e: d.description, t: d.atMs });
        }
      }
    }
    return lines;
  }
}

function messageLine(m: TopicMessage): Omit<Extract<JournalLine, { o: 'm' }>, 'subs'> {
  return {
    o: 'm',
    q: m.sequenceNumber,
    i: m.messageId,
    b: m.body.toString('base64'),
    ct: m.contentType,
    ci: m.correlationId,
    sj: m.subject,
    ap: m.applicationProperties,
    t: m.enqueuedTimeMs,
  };
}

/** A lock is held through its last millisecond and lost after it. */
function lockExpired(entry: ActiveEntry, now: number): boolean {
  return entry.lockedUntilMs !== undefined && entry.lockedUntilMs < now;
}

function wakeAll(s: SubscriptionState): void {
  for (const wake of [...s.waiters]) wake();
}
