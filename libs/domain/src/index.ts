// Pure domain: statuses, the transition table, rules, clocks, calendar, SLA policy, reference data.
// No framework, no I/O: workflows import this too.
export * from './calendar';
export * from './case-model';
export * from './case-rules';
export * from './clocks';
export * from './errors';
export * from './filing';
export * from './reference';
export * from './roles';
export * from './sla';
export * from './status';
export * from './transitions';
