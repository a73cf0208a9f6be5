import './style.css';
import { render } from 'preact';

render(<p>hookline inspector</p>, document.getElementById('app') as HTMLElement);
