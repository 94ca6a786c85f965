export { incidentWorkflow } from './incident';
export { actionWorkflow } from './action';
export { weeklyDigestWorkflow } from './digest';
