// `react/jsx-runtime` (and `react/jsx-dev-runtime`): what the automatic JSX transform imports.
import { jsx, Fragment } from 'react';
export { jsx, Fragment };
export const jsxs = jsx;
export const jsxDEV = (type, props, key) => jsx(type, props, key);
