// Loaded as an external module so the Content-Security-Policy can refuse every inline script.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
  initAll()
}

// "Your downloads": while a download is being made, ask the server how it is going and redraw
// its row (the server draws the rows, so this page matches the one without JavaScript, which
// has a refresh link instead). Finished downloads are announced in a polite live region.
const downloads = document.querySelector('[data-app-downloads]')
if (downloads && window.fetch) {
  const statusUrl = downloads.getAttribute('data-status-url')
  const announcer = document.getElementById('downloads-announcer')
  const refresh = document.getElementById('downloads-refresh')
  const pending = () => downloads.querySelector('[data-job-state="queued"], [data-job-state="running"]')
  let polls = 0

  const redraw = (job) => {
    const row = document.getElementById('job-' + job.id)
    if (!row || row.getAttribute('data-job-step') === job.step) return
    const body = document.createElement('tbody')
    body.innerHTML = job.row
    row.replaceWith(body.firstElementChild)
    if (job.finished && announcer) {
      announcer.textContent = job.title + (job.state === 'done' ? ': ready to download.' : ': failed.')
    }
  }

  const poll = () => {
    fetch(statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((response) => response.ok ? response.json() : Promise.reject(response.status))
      .then((status) => {
        status.jobs.forEach(redraw)
        if (pending()) {
          schedule()
        } else if (refresh) {
          refresh.hidden = true
        }
      })
      .catch(() => schedule(5000))
  }

  // Every second at first, then every 5 s for a download that takes minutes.
  const schedule = (delay) => {
    polls += 1
    window.setTimeout(poll, delay || (polls < 60 ? 1000 : 5000))
  }

  if (pending()) schedule()
}
