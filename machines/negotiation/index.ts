export * from './context.js';
export * from './effects.js';
export * from './events.js';
export { negotiationMachine } from './machine.js';
export { describePlan, type Plan } from './plan.js';
export * from './version.js';
