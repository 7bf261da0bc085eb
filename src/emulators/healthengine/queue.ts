// Typed request queues: items get sequential requestIds shared by all types, are listed and
// paginated per type, and leave only when the PMS sends the call that resolves them (§4).
import {
  FEATURES,
  type EmulatorState,
  type FeatureId,
  type Practice,
  type QueueItem,
  type RequestType,
} from './state.ts';

export const CRITICAL_TYPES: readonly RequestType[] = ['bookings', 'bookingUpdates', 'availability'];

export function featureOfType(type: RequestType): FeatureId | undefined {
  for (const [id, feature] of Object.entries(FEATURES)) {
    if ((feature.types as readonly string[]).includes(type)) return id as FeatureId;
  }
  return undefined;
}

/** Feature-gated types exist for the PMS only while their feature is enabled. */
export function typeVisible(practice: Practice, type: RequestType): boolean {
  const feature = featureOfType(type);
  return feature === undefined || practice.features.get(feature) === true;
}

export function raiseRequest(
  state: EmulatorState,
  practice: Practice,
  type: RequestType,
  body: Record<string, unknown>,
  bookingId?: number,
): QueueItem {
  const item: QueueItem = { requestId: state.nextRequestId++, type, createdAt: state.clock.now(), body, bookingId };
  if (type === 'availability' && body.pmsResourceId === undefined) item.coveredResources = new Set();
  practice.pending.push(item);
  if (typeVisible(practice, type)) state.hooks.requestRaised(practice, item);
  return item;
}

export function pendingOf(practice: Practice, type: RequestType): QueueItem[] {
  return practice.pending.filter((i) => i.type === type);
}

/** GET /requests: the types with visible pending items, in the spec's enum order. */
export function outstandingTypes(practice: Practice): RequestType[] {
  const types = new Set(practice.pending.filter((i) => typeVisible(practice, i.type)).map((i) => i.type));
  return [...types].sort((a, b) => order(a) - order(b));
}

const TYPE_ORDER: RequestType[] = [
  'bookings',
  'bookingUpdates',
  'availability',
  'pmsAppointmentChanges',
  'pmsResources',
  'pmsAppointmentTypes',
  'availableDocuments',
  'uploadDocuments',
  'clientSnapshots',
  'attachDocuments',
];
function order(type: RequestType): number {
  return TYPE_ORDER.indexOf(type);
}

export interface Page<T> {
  data: T[];
  page: { currentPage: number; totalPages: number; perPage: number; total: number };
}

export function paginate<T>(items: T[], page: number, perPage: number): Page<T> {
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const data = items.slice((page - 1) * perPage, page * perPage);
  return { data, page: { currentPage: page, totalPages, perPage, total } };
}

/** Removes the items matching `match` from the queue and records who resolved them. */
export function resolveWhere(
  state: EmulatorState,
  practice: Practice,
  match: (item: QueueItem) => boolean,
  resolvedBy: string,
): QueueItem[] {
  const done: QueueItem[] = [];
  practice.pending = practice.pending.filter((item) => {
    if (!match(item)) return true;
    done.push(item);
    return false;
  });
  const at = state.clock.now();
  for (const item of done) practice.resolved.push({ item, resolvedAt: at, resolvedBy });
  if (practice.resolved.length > 5000) practice.resolved.splice(0, practice.resolved.length - 5000);
  return done;
}

/**
 * An availability snapshot for (resource, date) answers a request for that resource and day,
 * and counts toward a day-wide request, which resolves once every configured resource answered.
 */
export function resolveAvailability(
  state: EmulatorState,
  practice: Practice,
  pmsResourceId: string,
  date: string,
): void {
  for (const item of pendingOf(practice, 'availability')) {
    if (item.body.day !== date || !item.coveredResources) continue;
    item.coveredResources.add(pmsResourceId);
  }
  resolveWhere(
    state,
    practice,
    (item) => {
      if (item.type !== 'availability' || item.body.day !== date) return false;
      if (item.body.pmsResourceId !== undefined) return item.body.pmsResourceId === pmsResourceId;
      const covered = item.coveredResources ?? new Set<string>();
      return [...practice.resources.keys()].every((id) => covered.has(id));
    },
    'availability snapshot',
  );
}
