// Pure domain: statuses, the transition table, rules, clocks, calendar, SLA policy, reference data.
// No framework, no I/O: workflows import this too.
export * from './calendar';
export * from './canonical-json';
export * from './case-model';
export * from './case-rules';
export * from './clocks';
export * from './errors';
export * from './filing';
export * from './reference';
export * from './reference-kinds';
export * from './roles';
// Namespaced: screening has its own DestinationGroup (with ALLIED), unlike reference.ts.
export * as screening from './screening';
export * from './sla';
export * from './status';
export * from './transitions';
