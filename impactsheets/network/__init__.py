"""The network view: every site's answers as one pandas frame, the network's figures, the
synthesis PDF and each site compared with the network.

>>> from impactsheets.network.identity import departement
>>> departement("75011")
'75'
"""
