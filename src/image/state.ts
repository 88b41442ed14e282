/** State main saves for post: which builder logged in to which registry. */
export const LOGIN_STATE = 'image-login';
