import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queue } from 'bullmq';

/** Prometheus metrics of the dispatcher: attempts, failures, latency, queue depth. */
export function createMetrics(queue: Queue) {
  const registry = new Registry();
  const attempts = new Counter({
    name: 'taiwa_webhook_attempts_total',
    help: 'Delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: 'taiwa_webhook_attempt_duration_seconds',
    help: 'HTTP duration of one delivery attempt',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const deliveryLatency = new Histogram({
    name: 'taiwa_webhook_delivery_latency_seconds',
    help: 'From the event committed to its successful delivery',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 300, 3600, 86400],
    registers: [registry],
  });
  new Gauge({
    name: 'taiwa_webhook_queue_depth',
    help: 'Jobs in the delivery queue by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  return { registry, attempts, attemptDuration, deliveryLatency };
}

export type DispatcherMetrics = ReturnType<typeof createMetrics>;
