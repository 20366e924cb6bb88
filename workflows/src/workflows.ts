// The entry point bundled for the worker: every workflow type the task queue serves.
export { caseWorkflow } from './case-workflow';
