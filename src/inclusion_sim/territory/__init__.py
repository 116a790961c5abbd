"""The territory: figures of the source document and the population built from them."""
