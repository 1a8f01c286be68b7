"""One module per page of the review app; handlers stay thin and call the query modules."""
