export * from './case-client';
