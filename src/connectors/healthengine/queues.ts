// Queue names and job keys of the Healthengine connector's jobs, spelled out here only.
// Publication (configuration, availability) and requests (bookings and their changes) each
// run in their own serial queue per connection; a job key coalesces a burst into one job.
export const queues = {
  publish: (connectionId: string) => `healthengine-publish:${connectionId}`,
  requests: (connectionId: string) => `healthengine-requests:${connectionId}`,
};

export const jobKeys = {
  link: (connectionId: string) => `healthengine-link:${connectionId}`,
  config: (connectionId: string) => `healthengine-config:${connectionId}`,
  availability: (connectionId: string) => `healthengine-avail:${connectionId}`,
  dailyPublish: (connectionId: string) => `healthengine-daily:${connectionId}`,
  processRequests: (connectionId: string) => `healthengine-process:${connectionId}`,
  maintain: 'healthengine-maintain',
};
