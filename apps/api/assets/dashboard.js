// Crosstrust dashboard: small progressive enhancements. Every page works without this file.
;(function () {
  'use strict'

  // Copy buttons: the value is already selectable text; with scripts the button copies it.
  document.querySelectorAll('[data-copy-target]').forEach(function (button) {
    var target = document.getElementById(button.getAttribute('data-copy-target'))
    if (!target) return
    button.hidden = false
    button.addEventListener('click', function () {
      var done = function () {
        button.textContent = 'Copied'
        button.classList.add('copied')
        setTimeout(function () {
          button.textContent = 'Copy'
          button.classList.remove('copied')
        }, 2000)
      }
      target.focus()
      target.select()
      if (window.navigator.clipboard && window.isSecureContext) {
        window.navigator.clipboard.writeText(target.value).then(done, function () {
          if (document.execCommand('copy')) done()
        })
      } else if (document.execCommand('copy')) {
        done()
      }
    })
  })
  document.querySelectorAll('input[data-copy-source]').forEach(function (input) {
    input.addEventListener('focus', function () {
      input.select()
    })
  })

  // Pages waiting for progress reload themselves, unless the person is busy with a form.
  var live = document.querySelector('[data-refresh]')
  if (live) {
    var seconds = Number(live.getAttribute('data-refresh')) || 5
    window.setInterval(function () {
      var active = document.activeElement
      var busy =
        (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) ||
        document.querySelector('details[open]') !== null ||
        document.querySelector('.flash .reveal') !== null
      if (!busy && document.visibilityState === 'visible') window.location.reload()
    }, seconds * 1000)
  }

  // Move focus to the error summary of a form that came back with errors.
  var summary = document.getElementById('error-summary')
  if (summary) summary.focus()
})()
