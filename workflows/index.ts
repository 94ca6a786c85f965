export { incidentWorkflow } from './incident';
export { actionWorkflow } from './action';
