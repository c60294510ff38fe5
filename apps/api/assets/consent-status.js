// Progressive enhancement for the consent result page: polls the status endpoint and updates the steps
// in place (text only, never innerHTML). Without JavaScript the page refreshes itself instead.
;(function () {
  var live = document.getElementById('live')
  if (!live) return
  var url = live.getAttribute('data-status-url')
  // The words, icons and badge classes come from the page, which has them from the server.
  function table(name) {
    try {
      return JSON.parse(live.getAttribute(name) || '{}')
    } catch {
      return {}
    }
  }
  var labels = table('data-step-labels')
  var icons = table('data-step-icons')
  var badge = table('data-step-tones')
  // The page's phase as the server rendered it; a different one in the status means a reload.
  var shown = live.getAttribute('data-phase')
  function phaseOf(status) {
    if (status.partnerConfigured) return status.trust ? 'verdict' : 'configured'
    if (status.failed) return 'failed'
    return status.awaitingConfirmation ? 'awaiting' : 'running'
  }

  function render(status) {
    var list = document.getElementById('steps')
    if (!list) return
    list.textContent = ''
    status.steps.forEach(function (s) {
      var li = document.createElement('li')
      li.className = s.status
      li.setAttribute('data-step', s.step)
      var icon = document.createElement('span')
      icon.className = 'icon'
      icon.setAttribute('aria-hidden', 'true')
      icon.textContent = icons[s.status] || ''
      var text = document.createElement('span')
      var strong = document.createElement('strong')
      strong.textContent = labels[s.step] || s.step
      text.appendChild(strong)
      if (s.message) {
        text.appendChild(document.createElement('br'))
        var msg = document.createElement('span')
        msg.className = 'message'
        msg.textContent = s.message
        text.appendChild(msg)
      }
      var b = document.createElement('span')
      b.className = 'badge ' + (badge[s.status] || '')
      b.textContent = s.status
      li.appendChild(icon)
      li.appendChild(text)
      li.appendChild(b)
      list.appendChild(li)
    })
  }

  function poll() {
    fetch(url, { headers: { accept: 'application/json' } })
      .then(function (r) {
        return r.ok ? r.json() : null
      })
      .then(function (status) {
        if (!status) return setTimeout(poll, 4000)
        render(status)
        if (phaseOf(status) !== shown) {
          window.location.reload()
          return
        }
        setTimeout(poll, 2000)
      })
      .catch(function () {
        setTimeout(poll, 4000)
      })
  }
  setTimeout(poll, 1500)
  // Waiting for the first verdict: the server stops the page's refresh when it no longer expects one soon;
  // reloading now and then lets it.
  if (shown === 'configured')
    setTimeout(function () {
      window.location.reload()
    }, 60000)
})()
