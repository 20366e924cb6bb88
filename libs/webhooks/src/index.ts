export * from './signing';
export * from './verify';
export * from './envelope';
export * from './retry';
export * from './ssrf';
export * from './deliver';
