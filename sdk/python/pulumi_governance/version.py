"""The package's version: a leaf module, so that any layer (the API client's User-Agent, the
package itself) can read it without importing anything else of the package."""

__version__ = "0.1.0"
