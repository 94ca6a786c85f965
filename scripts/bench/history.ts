// A case's history for scripts/bench/cost.ts: read once it has stopped growing, and its events
// counted and sized by type.
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export type History = temporal.api.history.v1.IHistory;
/** The history once it has stopped growing (the last workflow task after the outbox emptied). */
export async function stableHistory(handle: WorkflowHandle): Promise<History> {
  let last = await handle.fetchHistory();
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await handle.fetchHistory();
    if ((now.events?.length ?? 0) === (last.events?.length ?? 0)) return now;
    last = now;
  }
}

export const EventType = temporal.api.enums.v1.EventType;
const typeName = (e: temporal.api.history.v1.IHistoryEvent) =>
  (EventType[e.eventType ?? 0] ?? String(e.eventType))
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_(.)/g, (_m, c: string) => c.toUpperCase());
const eventBytes = (e: temporal.api.history.v1.IHistoryEvent) => temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
export const countOf = (events: temporal.api.history.v1.IHistoryEvent[], type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;

/** Events by type: count and bytes, most bytes first. */
export function byType(events: temporal.api.history.v1.IHistoryEvent[]): Array<{ type: string; count: number; bytes: number }> {
  const m = new Map<string, { type: string; count: number; bytes: number }>();
  for (const e of events) {
    const t = typeName(e);
    const entry = m.get(t) ?? { type: t, count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += eventBytes(e);
    m.set(t, entry);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || b.bytes - a.bytes);
}
