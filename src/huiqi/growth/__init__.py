"""Growth files (成长档案, measure 3): yearly figures and recognitions of cultivated enterprises."""
