/** Types of layers.config.js (a plain module, so ESLint's config can import it). */
export declare const SHARED_LAYERS: Readonly<Record<string, number>>;
export declare const AZURE_SDK_PACKAGES: readonly string[];
