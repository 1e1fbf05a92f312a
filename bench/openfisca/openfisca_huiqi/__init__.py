"""OpenFisca country package for the monetary measures of 辽政办〔2022〕35号 (benchmark peer only).

A second, independent encoding of the rules that huiqi keeps as data in
``src/huiqi/policies/ln-2022-35.yaml``: the monetary measures 1–9 and 11–14 and the no-stacking
rule (从高不重复), over two entities: ``applicant`` (the group) and ``matter`` (the person).
"""

from pathlib import Path

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from openfisca_huiqi.entities import entities
from openfisca_huiqi.inputs import VARIABLES as INPUTS

HERE = Path(__file__).parent


class CountryTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self) -> None:
        super().__init__(entities)
        self.load_parameters(str(HERE / "parameters"))
        self.add_variables(*INPUTS)
        self.add_variables_from_directory(str(HERE / "variables"))
