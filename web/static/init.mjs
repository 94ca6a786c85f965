/* global document, navigator */
// GOV.UK Frontend's JavaScript, started from a file of ours: the content security policy allows
// no inline script, so the body is marked here rather than by the template's inline line.
import { initAll } from '/assets/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

// The notification pack's "Copy" buttons (pages/notification-pack.njk): shown only where the
// browser can write to the clipboard; without them the answers are there to select and copy.
if (navigator.clipboard) {
  const status = document.getElementById('copy-status');
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const answer = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(answer.innerText);
        if (status) status.textContent = `Copied: ${button.dataset.question}`;
      } catch {
        if (status) status.textContent = 'Could not copy: select the answer and copy it instead';
      }
    });
  }
}
