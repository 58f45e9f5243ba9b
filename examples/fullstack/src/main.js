import { title } from './title.js'

const show = (text) => {
  document.querySelector('#title').textContent = text
}
show(title)
document.querySelector('#port').textContent = location.port

// Through Vite's proxy: /api goes to whatever port the api-server got.
fetch('/api/hello')
  .then((response) => response.json())
  .then(({ message }) => {
    document.querySelector('#answer').textContent = message
  })
  .catch((error) => {
    document.querySelector('#answer').textContent = `failed: ${error}`
  })

// An edit to title.js replaces the heading in place: no reload, the fetched answer stays.
import.meta.hot?.accept('./title.js', (module) => module && show(module.title))
