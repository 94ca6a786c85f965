// Once per jest run, before any test file: the time zone the workers run in, and the workflow
// bundle every test file's workers share (test/helpers/workflow-bundle.ts).
module.exports = async () => {
  process.env.TZ = 'UTC';
  const { writeRunBundle, WORKFLOW_BUNDLE_DIR_ENV } = require('./helpers/workflow-bundle');
  process.env[WORKFLOW_BUNDLE_DIR_ENV] = await writeRunBundle();
};
