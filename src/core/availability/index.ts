// Availability engine: pure computation of free ranges per resource per local day.
export {
  computeAvailability,
  freeIntervals,
  isFree,
  rangesFor,
  windowDates,
  DEFAULT_WINDOW_DAYS,
  MAX_WINDOW_DAYS,
  type AvailabilityQuery,
  type AvailabilityRange,
  type Busy,
  type DayAvailability,
  type OfferedType,
  type ResourceInput,
  type ScheduleInput,
} from './engine.ts';
export { addDays, localToUtc, toLocal, isoDayOfWeek, formatHhmm, parseHhmm } from './time.ts';
