/* global document */
// GOV.UK Frontend's JavaScript, started from a file of ours: the content security policy allows
// no inline script, so the body is marked here rather than by the template's inline line.
import { initAll } from '/assets/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();
