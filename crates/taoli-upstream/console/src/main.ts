import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import { createApp } from 'vue'
import App from './App.vue'
import { currentLocale, i18n } from './i18n'
import './style.css'

document.documentElement.lang = currentLocale()

createApp(App).use(ElementPlus).use(i18n).mount('#app')
